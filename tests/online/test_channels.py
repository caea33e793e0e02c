"""Polling stations and online voting together: each member votes once, the online result is
a return like a station's, and the count reproduces a known result."""

from __future__ import annotations

import pytest

from hustings.domain.errors import InvalidInput
from hustings.domain.polling import TallySheet
from hustings.services import lifecycle, online, tallies
from hustings.services import online_clients as oc
from hustings.services.count import current_result
from tests.cli_runner import run_cli
from tests.elections.builders import clerk, committee
from tests.online.flow import election, opened, trustee_ctx


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path, sqlite_template):
    import shutil

    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _sheet(code: str, registered: int, votes: dict[str, int]) -> TallySheet:
    return TallySheet("initial", code, registered, sum(votes.values()), votes)


def test_stations_and_online_count_each_member_once(capsys, uow_factory,
                                                    database_url) -> None:
    slug = election(uow_factory, "mixed", members=0, stations={"A": 10, "B": 10})
    poll = opened(uow_factory, slug)
    assert len(poll.credentials) == 20  # every member on the roll may vote online
    online_votes = {"members-A-0": "ada", "members-A-1": "ada", "members-A-2": "ben",
                    "members-B-0": "ada", "members-B-1": "cleo", "members-B-2": "ada"}
    for member, choice in online_votes.items():
        oc.vote(uow_factory, slug, poll.credentials[member], [choice])
    oc.vote(uow_factory, slug, poll.credentials["members-A-2"], ["ada"])  # revote: ada
    book = online.poll_book(uow_factory, slug, "A")
    assert [m for m, _, _, voted, _ in book if voted] == ["members-A-0", "members-A-1",
                                                       "members-A-2"]
    code, out, _ = run_cli(capsys, "--db", database_url, "online", "pollbook", slug,
                           "--precinct", "B", "--format", "csv")
    assert code == 0 and "members-B-1,Member B 1,B,yes" in out
    assert out.count(",yes") == 3
    # station A: 10 on the roll, 3 voted online: 8 ballots cast is impossible
    for i in (0, 1):
        with pytest.raises(InvalidInput, match="3 of the 10 members of 'A' voted online"):
            tallies.enter_tally(uow_factory, slug, _sheet("A", 10, {"ada": 2, "ben": 4,
                                                                    "cleo": 2}),
                                clerk(uow_factory, i))
    for i in (0, 1):
        tallies.enter_tally(uow_factory, slug, _sheet("A", 10, {"ada": 2, "ben": 4, "cleo": 1}),
                            clerk(uow_factory, i))
        tallies.enter_tally(uow_factory, slug, _sheet("B", 10, {"ada": 1, "ben": 3, "cleo": 3}),
                            clerk(uow_factory, i))
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (2, 3):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    assert online.decrypt_tally(uow_factory, slug, committee(uow_factory)) == {
        "ada": 5, "ben": 0, "cleo": 1}
    online.publish(uow_factory, slug, committee(uow_factory))
    with uow_factory() as uow:
        result = current_result(uow, slug)
    votes = {c["name"]: c["votes"] for c in result["candidates"]}
    assert votes == {"Ada Lovelace": 2 + 1 + 5, "Ben Okri": 4 + 3 + 0,
                     "Cleo Laine": 1 + 3 + 1}
    assert result["registered"] == 20 and result["ballots_cast"] == 7 + 7 + 6
    assert result["status"] == "provisional" and result["winner"] == "Ada Lovelace"
    lifecycle.certify(uow_factory, slug, committee(uow_factory))


def test_an_online_poll_is_voided_and_run_again(uow_factory) -> None:
    from datetime import date

    from hustings.services import disputes

    slug = election(uow_factory, "rerun", members=6)
    poll = opened(uow_factory, slug)
    for credential in poll.credentials.values():
        oc.vote(uow_factory, slug, credential, ["ben"])
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 2):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    online.publish(uow_factory, slug, committee(uow_factory))
    with uow_factory() as uow:
        assert current_result(uow, slug)["winner"] == "Ben Okri"
    number = disputes.file_dispute(uow_factory, slug, "initial", ["ONLINE"],
                                   "Credentials were delivered to the wrong addresses.",
                                   committee(uow_factory), [])
    disputes.rule(uow_factory, slug, number, "void-and-revote", "Delivery failed; vote again.",
                  committee(uow_factory), revote_day=date(2024, 3, 20))
    with uow_factory() as uow:
        assert current_result(uow, slug)["winner"] is None  # the online return is void
    revote = f"revote-{number}"
    online.setup(uow_factory, slug, ["trustee-1", "trustee-2", "trustee-3"], 2,
                 committee(uow_factory), poll=revote)
    with uow_factory() as uow:
        polls = uow.online.polls(slug)
    assert [(p.crypto_id, p.voided) for p in polls] == [
        (f"{slug}/initial/online-1", True), (f"{slug}/{revote}/online-1", False)]
    keys = {}
    for _ in range(3):
        for j in (1, 2, 3):
            keys[j], _ = oc.keygen(uow_factory, slug, keys.get(j), trustee_ctx(uow_factory, j))
    fresh = {m: c for m, _, c in oc.generate_credentials(uow_factory, slug,
                                                          committee(uow_factory))}
    assert len(fresh) == 6  # new credentials: the old ones are bound to the voided poll
    online.open_poll(uow_factory, slug, committee(uow_factory))
    old = next(iter(poll.credentials.values()))
    from hustings.crypto.board import UnknownCredential

    with pytest.raises(UnknownCredential):
        oc.vote(uow_factory, slug, old, ["ada"])
    for credential in fresh.values():
        oc.vote(uow_factory, slug, credential, ["ada"])
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 3):
        oc.decrypt(uow_factory, slug, keys[j], trustee_ctx(uow_factory, j))
    online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    online.publish(uow_factory, slug, committee(uow_factory))
    with uow_factory() as uow:
        result = current_result(uow, slug)
    assert result["winner"] == "Ada Lovelace"
    from hustings.bootstrap import ScratchSqlite
    from hustings.services import audit_log

    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems


def test_a_stations_ballots_are_checked_against_the_poll_book(uow_factory) -> None:
    from hustings.services import ballots
    from tests.elections.builders import cvr

    slug = election(uow_factory, "approve-mixed", members=0, method="approval",
                    stations={"A": 3})
    poll = opened(uow_factory, slug)
    for member in ("members-A-0", "members-A-1"):
        oc.vote(uow_factory, slug, poll.credentials[member], ["ben", "cleo"])
    data = cvr([("A", ["Ada Lovelace"], 2)])
    with pytest.raises(InvalidInput, match="2 of the 3 voters of 'A' voted online"):
        ballots.import_ballots(uow_factory, slug, data, "cvr.csv", clerk(uow_factory, 0))
    ballots.import_ballots(uow_factory, slug, cvr([("A", ["Ada Lovelace"], 1)]), "cvr.csv",
                           clerk(uow_factory, 0))
