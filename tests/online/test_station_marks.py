"""One vote per member across channels (issue 12): a station's marked register is a logged
command; an online cast by a member marked at a station is refused, marking a member who
voted online is refused by name, and nothing is stored when refused. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from hustings.domain.errors import InvalidInput, NotFound, RuleViolation
from hustings.domain.polling import TallySheet
from hustings.services import online, online_rolls, tallies
from hustings.services import online_clients as oc
from tests.cli_runner import run_cli
from tests.elections.builders import clerk
from tests.online.flow import election, opened


def _state(factory, slug: str) -> tuple[int, list, int, dict]:
    with factory() as uow:
        poll = online.current_poll(uow, slug)
        return (sum(1 for _ in uow.audit.entries()), uow.online.board(poll.crypto_id),
                poll.ballots, uow.online.station_marks(slug, "initial"))


def test_a_member_marked_at_a_station_cannot_vote_online(uow_factory) -> None:
    slug = election(uow_factory, "marks", members=0, stations={"A": 4, "B": 3})
    poll = opened(uow_factory, slug)
    oc.vote(uow_factory, slug, poll.credentials["members-A-0"], ["ada"])
    n = online_rolls.mark_voted(uow_factory, slug, "A", [(1, "members-A-1"),
                                                         (2, "members-A-2")],
                                "register-A.txt", clerk(uow_factory, 0))
    assert n == 2
    before = _state(uow_factory, slug)
    for member in ("members-A-1", "members-A-2"):
        with pytest.raises(RuleViolation, match="marked in a polling station's register"):
            oc.vote(uow_factory, slug, poll.credentials[member], ["ben"])
    assert _state(uow_factory, slug) == before  # nothing stored, the board unchanged
    oc.vote(uow_factory, slug, poll.credentials["members-A-3"], ["cleo"])  # not marked: votes
    book = {m: (v, s) for m, _, _, v, s in online.poll_book(uow_factory, slug, "A")}
    assert book == {"members-A-0": (True, False), "members-A-1": (False, True),
                    "members-A-2": (False, True), "members-A-3": (True, False)}


def test_marking_a_member_who_voted_online_is_refused_by_name(uow_factory) -> None:
    slug = election(uow_factory, "marks-online", members=0, stations={"A": 4, "B": 2})
    poll = opened(uow_factory, slug)
    oc.vote(uow_factory, slug, poll.credentials["members-A-2"], ["ada"])
    online_rolls.mark_voted(uow_factory, slug, "A", [(1, "members-A-3")], "first.txt",
                            clerk(uow_factory, 0))
    before = _state(uow_factory, slug)
    rows = [(1, "members-A-0"), (2, "members-A-2"), (3, "members-B-0"), (4, "nobody"),
            (5, "members-A-0"), (6, "members-A-3")]
    with pytest.raises(InvalidInput) as refused:
        online_rolls.mark_voted(uow_factory, slug, "A", rows, "register-A.txt",
                                clerk(uow_factory, 0))
    problems = {(p.line, p.message) for p in refused.value.problems}
    assert problems == {
        (2, "member 'members-A-2' voted online in poll 'initial' (marked in the poll book): "
            "one vote per member, give them no ballot here"),
        (3, "member 'members-B-0' is on the roll of 'B', not 'A'"),
        (4, "member 'nobody' is not on the frozen roll of 'marks-online'"),
        (5, "member 'members-A-0' is named twice"),
        (6, "member 'members-A-3' is marked already as having voted at 'A' in poll "
            "'initial'")}
    assert all(p.source == "register-A.txt" and p.field == "member_id"
               for p in refused.value.problems)
    assert _state(uow_factory, slug) == before  # all or nothing: members-A-0 not marked
    with pytest.raises(NotFound, match="no polling station 'ONLINE'"):
        online_rolls.mark_voted(uow_factory, slug, "ONLINE", [(1, "members-A-0")], "x",
                                clerk(uow_factory, 0))
    with pytest.raises(NotFound, match="no polling station 'Z'"):
        online_rolls.mark_voted(uow_factory, slug, "Z", [(1, "members-A-0")], "x",
                                clerk(uow_factory, 0))


def test_marks_replay_in_the_verified_log(uow_factory) -> None:
    from hustings.bootstrap import ScratchSqlite
    from hustings.services import audit_log

    slug = election(uow_factory, "marks-log", members=0, stations={"A": 3})
    opened(uow_factory, slug)
    online_rolls.mark_voted(uow_factory, slug, "A", [(None, "members-A-0")], "--member",
                            clerk(uow_factory, 1))
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems


def test_a_stations_ballots_cast_is_bounded_by_its_marked_register(uow_factory) -> None:
    slug = election(uow_factory, "marks-sheet", members=0, stations={"A": 5})
    poll = opened(uow_factory, slug)
    oc.vote(uow_factory, slug, poll.credentials["members-A-0"], ["ada"])
    online_rolls.mark_voted(uow_factory, slug, "A", [(1, "members-A-1"), (2, "members-A-2")],
                            "r.txt", clerk(uow_factory, 0))

    def sheet(cast: int) -> TallySheet:
        return TallySheet("initial", "A", 5, cast, {"ada": cast, "ben": 0, "cleo": 0})

    with pytest.raises(InvalidInput, match="1 of the 5 members of 'A' voted online"):
        tallies.enter_tally(uow_factory, slug, sheet(5), clerk(uow_factory, 0))
    with pytest.raises(InvalidInput, match="the station's marked register has 2 member"):
        tallies.enter_tally(uow_factory, slug, sheet(3), clerk(uow_factory, 0))
    tallies.enter_tally(uow_factory, slug, sheet(2), clerk(uow_factory, 0))


def test_a_stations_ballots_file_is_bounded_by_its_marked_register(uow_factory) -> None:
    from hustings.services import ballots
    from tests.elections.builders import cvr

    slug = election(uow_factory, "marks-cvr", members=0, method="approval",
                    stations={"A": 4})
    opened(uow_factory, slug)
    online_rolls.mark_voted(uow_factory, slug, "A", [(1, "members-A-1")], "r.txt",
                            clerk(uow_factory, 0))
    with pytest.raises(InvalidInput, match="marked register has 1 member.s. who voted in 'A'"):
        ballots.import_ballots(uow_factory, slug, cvr([("A", ["Ada Lovelace"], 2)]),
                               "cvr.csv", clerk(uow_factory, 0))
    ballots.import_ballots(uow_factory, slug, cvr([("A", ["Ada Lovelace"], 1)]), "cvr.csv",
                           clerk(uow_factory, 0))


def test_the_marks_file_is_read_with_lines() -> None:
    rows = online_rolls.read_marks_file(b"member_id\n\n# station A\nm-1\n m-2 \n", "r.txt")
    assert rows == [(4, "m-1"), (5, "m-2")]
    with pytest.raises(InvalidInput) as bad:
        online_rolls.read_marks_file(b"m-1\nm-2,Ana\n", "r.txt")
    (problem,) = bad.value.problems
    assert (problem.source, problem.line, problem.field) == ("r.txt", 2, "member_id")
    with pytest.raises(InvalidInput, match="names no member"):
        online_rolls.read_marks_file(b"# nothing\n", "r.txt")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        online_rolls.read_marks_file(b"\xff\xfe\x00", "r.txt")


@pytest.fixture(params=["sqlite"])
def sqlite_url(tmp_path, sqlite_template):
    import shutil

    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_the_clerk_marks_the_register_on_the_command_line(capsys, tmp_path, sqlite_url) -> None:
    from hustings.bootstrap import Container, Settings

    box = Container(Settings(sqlite_url))
    try:
        slug = election(box.uow_factory, "marks-cli", members=0, stations={"A": 3})
        poll = opened(box.uow_factory, slug)
        oc.vote(box.uow_factory, slug, poll.credentials["members-A-0"], ["ada"])
    finally:
        box.close()
    register = tmp_path / "register-A.txt"
    register.write_text("member_id\nmembers-A-1\nmembers-A-0\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "--db", sqlite_url, "online", "mark", slug, str(register),
                           "--precinct", "A")
    assert code == 2
    assert "register-A.txt" in err and "3" in err and "members-A-0" in err \
        and "voted online" in err
    register.write_text("members-A-1\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "--db", sqlite_url, "online", "mark", slug, str(register),
                           "--precinct", "A")
    assert code == 0 and "1 member(s) marked as having voted at A" in out
    code, out, _ = run_cli(capsys, "--db", sqlite_url, "online", "mark", slug,
                           "--member", "members-A-2", "--precinct", "A")
    assert code == 0
    code, _, err = run_cli(capsys, "--db", sqlite_url, "online", "mark", slug,
                           "--precinct", "A")
    assert code == 2 and "give the register FILE or --member" in err
    code, out, _ = run_cli(capsys, "--db", sqlite_url, "online", "pollbook", slug,
                           "--format", "csv")
    assert code == 0 and out.splitlines() == [
        "member_id,name,precinct,voted_online,voted_station",
        "members-A-0,Member A 0,A,yes,", "members-A-1,Member A 1,A,,yes",
        "members-A-2,Member A 2,A,,yes"]
    code, out, _ = run_cli(capsys, "--db", sqlite_url, "online", "pollbook", slug)
    assert code == 0 and "1 of 3 voted online, 2 at their station" in out
    code, _, err = run_cli(capsys, "--db", sqlite_url, "vote", slug, "--credential",
                           _credential_file(tmp_path, poll.credentials["members-A-1"]),
                           "--choice", "ben")
    assert code == 5 and "marked in a polling station's register" in err


def _credential_file(tmp_path, private: str) -> str:
    path = tmp_path / "credential.txt"
    path.write_text(private + "\n", encoding="utf-8")
    return str(path)
