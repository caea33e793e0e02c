"""Ballots enter elections: CVR imports split by precinct, two clerks, the engine's count."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hustings.domain.errors import InvalidInput, RuleViolation
from hustings.services import ballots, disputes, lifecycle, tallies
from hustings.services.queries import precinct_statuses
from hustings.services.record_store import leaders
from hustings.services.results import published_result
from hustings.storage import tables as t
from tests.cli_runner import run_cli
from tests.elections.builders import clerk, committee, cvr, import_twice, open_election, toml
from tests.integrity.builders import sheet

CANDIDATES = (("alice", "Alice Able"), ("bob", "Bob Baker"), ("cy", "Cy Cole"))
PRECINCTS = (("N", "North"), ("S", "South"))
# Alice leads on first preferences (70), but Cy's 50 go to Bob: Bob wins 110-70.
BALLOTS = [
    ("N", ["Alice Able"], 35),
    ("S", ["Alice Able", "Bob Baker"], 35),
    ("N", ["Bob Baker"], 30),
    ("S", ["Bob Baker", "Alice Able"], 30),
    ("N", ["Cy Cole", "Bob Baker"], 25),
    ("S", ["Cy Cole", "Bob Baker", "Alice Able"], 25),
]


def irv(factory: Any, slug: str = "pres-irv", with_members: bool = True) -> str:
    return open_election(
        factory,
        toml(slug, "irv", CANDIDATES, PRECINCTS),
        {"N": 120, "S": 120},
        with_members=with_members,
    )


def batches(factory: Any) -> int:
    with factory() as uow:
        return int(
            uow._conn.execute(select(func.count()).select_from(t.ballot_batches)).scalar_one()
        )


def test_an_irv_election_is_counted_by_irv_not_by_first_preferences(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    first = ballots.import_ballots(
        uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0)
    )
    assert first.ballots == {"N": 90, "S": 90}
    assert first.status == {"N": "awaiting second entry", "S": "awaiting second entry"}
    second = ballots.import_ballots(
        uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 1)
    )
    assert second.status == {"N": "accepted", "S": "accepted"}
    result = published_result(uow_factory, slug)
    assert result["status"] == "provisional"
    assert (result["method"], result["seats"], result["returns"]) == ("irv", 1, "ballots")
    assert result["winner"] == "Bob Baker" and result["winners"] == ["Bob Baker"]
    assert [(c["name"], c["votes"]) for c in result["candidates"]] == [
        ("Alice Able", 70),
        ("Bob Baker", 60),
        ("Cy Cole", 50),
    ]  # first preferences
    assert [r["tallies"] for r in result["rounds"]] == [
        {"Alice Able": "70", "Bob Baker": "60", "Cy Cole": "50"},
        {"Alice Able": "70", "Bob Baker": "110"},
    ]
    assert result["rounds"][0]["eliminated"] == ["Cy Cole"]
    assert result["rounds"][0]["transfers"] == {"Cy Cole": {"Bob Baker": "50"}}
    assert result["margin"] == 40 and result["ballots_cast"] == 180
    lifecycle.certify(uow_factory, slug, committee(uow_factory), on=date(2024, 3, 2))
    holders = leaders(uow_factory, "party", f"office-{slug}")
    assert [(h.holder, h.start) for h in holders] == [("Bob Baker", date(2024, 3, 2))]


def test_a_tally_sheet_is_refused_naming_the_method_and_the_command(
    database_url: str, uow_factory: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    slug = irv(uow_factory)
    with pytest.raises(RuleViolation, match="counted by irv .* `hustings ballots import"):
        tallies.enter_tally(
            uow_factory,
            slug,
            sheet("N", {"alice": 1, "bob": 1, "cy": 1}, registered=120),
            clerk(uow_factory, 0),
        )
    path = tmp_path / "sheets.csv"
    path.write_text(
        "precinct,registered,ballots_cast,alice,bob,cy,blank,invalid\nN,120,3,1,1,1,0,0\n"
    )
    code, _, err = run_cli(capsys, "--db", database_url, "tally", "import", slug, str(path))
    assert code == 5 and "irv" in err and "hustings ballots import" in err


def test_the_cli_imports_and_reports_ballots_per_precinct(
    database_url: str, uow_factory: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    slug = irv(uow_factory)
    path = tmp_path / "cvr.csv"
    path.write_bytes(cvr(BALLOTS))
    for user in ("clerk-dana", "clerk-yossi"):
        code, out, err = run_cli(
            capsys, "--db", database_url, "ballots", "import", slug, str(path), user=user
        )
        assert code == 0, err
        assert "stored 180 ballots in 2 precinct(s)" in out and "N: 90 ballots" in out
    code, out, err = run_cli(capsys, "--db", database_url, "results", slug, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["winners"] == ["Bob Baker"]
    code, out, _ = run_cli(capsys, "--db", database_url, "results", slug)
    assert "Cy Cole eliminated" in out and "Bob Baker elected" in out
    code, out, _ = run_cli(capsys, "--db", database_url, "ballots", "status", slug)
    assert code == 0 and out.count("accepted") == 2
    code, out, _ = run_cli(capsys, "--db", database_url, "results", slug, "--format", "csv")
    assert code == 0 and "round 2: Bob Baker,110," in out and "elected: Bob Baker" in out
    code, out, _ = run_cli(capsys, "--db", database_url, "results", slug, "--format", "rctab")
    summary = json.loads(out)
    assert [r["tally"] for r in summary["results"]][-1] == {"Alice Able": "70", "Bob Baker": "110"}
    assert summary["results"][0]["tallyResults"] == [
        {"eliminated": "Cy Cole", "transfers": {"Bob Baker": "50"}}
    ]
    for fmt in ("article", "wikitext"):
        code, out, err = run_cli(capsys, "--db", database_url, "results", slug, "--format", fmt)
        assert code == 0 and "Bob Baker" in out, err


def test_two_imports_that_differ_are_a_mismatch_showing_the_rankings(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    ballots.import_ballots(uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0))
    changed = [
        *BALLOTS[:-1],
        ("S", ["Cy Cole", "Bob Baker", "Alice Able"], 23),
        ("S", ["Alice Able"], 2),
    ]
    done = ballots.import_ballots(uow_factory, slug, cvr(changed), "cvr.csv", clerk(uow_factory, 1))
    assert done.status == {"N": "accepted", "S": "mismatch"}
    [(_, south)] = [(r, p) for r, p in precinct_statuses(uow_factory, slug) if p.code == "S"]
    rec = south.reconciliation
    assert rec.differing == (("alice", 0, 2), ("cy > bob > alice", 25, 23))  # candidate keys
    assert rec.ballots_differing == 4
    assert published_result(uow_factory, slug)["precincts"]["reporting"] == 1


def test_the_same_clerk_twice_does_not_make_two_entries(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    ballots.import_ballots(uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0))
    with pytest.raises(InvalidInput, match="already imported precinct 'N'"):
        ballots.import_ballots(uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0))
    done = ballots.import_ballots(
        uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0), reason="re-scanned"
    )
    assert done.status == {"N": "awaiting second entry", "S": "awaiting second entry"}


@pytest.mark.parametrize(
    ("rows", "message", "line", "field"),
    [
        (
            [("N", ["Alice Able"], 1), ("S", ["Dora Dee"], 1)],
            "unknown candidate 'Dora Dee'",
            3,
            "candidate",
        ),
        (
            [("N", ["Alice Able"], 1), ("X", ["Bob Baker"], 1)],
            "unknown precinct 'X'",
            3,
            "Precinct",
        ),
        ([("N", ["Alice Able"], 121)], "121 ballots, but the frozen roll has 120", 2, "Precinct"),
        (
            [("N", ["Alice Able"], 2), (" ", ["Bob Baker"], 1), ("S", ["Bob Baker"], 1)],
            "a ballot without a precinct",
            3,
            "Precinct",
        ),
        (
            [("N", ["Alice Able"], 1), ("S", ["Bob Baker"], 1), (" X", ["Bob Baker"], 1),
             ("X", ["Bob Baker"], 1)],
            "unknown precinct 'X'",
            4,
            "Precinct",
        ),
    ],
)
def test_bad_ballot_files_are_refused_whole(
    uow_factory: Any, rows: Any, message: str, line: int, field: str
) -> None:
    slug = irv(uow_factory)
    with pytest.raises(InvalidInput) as caught:
        ballots.import_ballots(uow_factory, slug, cvr(rows), "cvr.csv", clerk(uow_factory, 0))
    [problem] = [p for p in caught.value.problems if message in p.message]
    assert (problem.source, problem.line, problem.field) == ("cvr.csv", line, field)
    assert batches(uow_factory) == 0


def test_a_file_without_precincts_needs_one_named(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    blt = b'3 1\n35 1 0\n30 2 0\n25 3 2 0\n0\n"Alice Able"\n"Bob Baker"\n"Cy Cole"\n"t"\n'
    with pytest.raises(InvalidInput, match="name the precinct"):
        ballots.import_ballots(uow_factory, slug, blt, "north.blt", clerk(uow_factory, 0))
    for i in range(2):
        done = ballots.import_ballots(
            uow_factory, slug, blt, "north.blt", clerk(uow_factory, i), precinct="N"
        )
    assert done.ballots == {"N": 90} and done.status == {"N": "accepted"}
    # the same ballots as a CSV file: the same digest, so a BLT and a CSV import agree
    slug2 = irv(uow_factory, "pres-irv-2", with_members=False)
    ballots.import_ballots(
        uow_factory, slug2, blt, "north.blt", clerk(uow_factory, 0), precinct="N"
    )
    rows = [
        ("N", ["Alice Able"], 35),
        ("N", ["Bob Baker"], 30),
        ("N", ["Cy Cole", "Bob Baker"], 25),
    ]
    done = ballots.import_ballots(
        uow_factory, slug2, cvr(rows, ranks=5), "n.csv", clerk(uow_factory, 1)
    )
    assert done.status == {"N": "accepted"}


def test_ballots_for_a_closed_poll_are_refused(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    import_twice(uow_factory, slug, cvr(BALLOTS))
    lifecycle.certify(uow_factory, slug, committee(uow_factory), on=date(2024, 3, 2))
    with pytest.raises(RuleViolation):
        ballots.import_ballots(uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 2))
    assert batches(uow_factory) == 4


def test_void_and_revote_replaces_exactly_the_voided_precincts_ballots(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    import_twice(uow_factory, slug, cvr(BALLOTS))
    assert published_result(uow_factory, slug)["winners"] == ["Bob Baker"]
    number = disputes.file_dispute(
        uow_factory, slug, "initial", ["S"], "irregularities in South", committee(uow_factory)
    )
    disputes.rule(
        uow_factory,
        slug,
        number,
        "void-and-revote",
        "ballot box stuffed",
        committee(uow_factory),
        revote_day=date(2024, 3, 20),
    )
    voided = published_result(uow_factory, slug)
    assert voided["precincts"] == {"reporting": 1, "total": 2} and voided["ballots_cast"] == 90
    revote = [("S", ["Alice Able"], 80), ("S", ["Bob Baker"], 5)]
    import_twice(uow_factory, slug, cvr(revote), poll="revote-1")
    after = published_result(uow_factory, slug)
    assert after["winners"] == ["Alice Able"] and after["ballots_cast"] == 175
    assert after["rounds"][0]["tallies"] == {
        "Alice Able": "115",
        "Bob Baker": "35",
        "Cy Cole": "25",
    }
    assert after["version"] > voided["version"]


def test_one_import_matched_by_another_clerks_paper_count(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    ballots.import_ballots(uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0))
    with pytest.raises(InvalidInput, match="frozen roll has 120"):
        ballots.confirm_ballots(uow_factory, slug, "N", 121, clerk(uow_factory, 1))
    assert ballots.confirm_ballots(uow_factory, slug, "N", 89, clerk(uow_factory, 1)) == "mismatch"
    assert (
        ballots.confirm_ballots(
            uow_factory, slug, "N", 90, clerk(uow_factory, 1), reason="recounted the box"
        )
        == "accepted"
    )
    # the importing clerk's own count is not a second person
    assert (
        ballots.confirm_ballots(uow_factory, slug, "S", 90, clerk(uow_factory, 0))
        == "awaiting second entry"
    )
    result = published_result(uow_factory, slug)
    assert result["precincts"]["reporting"] == 1 and result["ballots_cast"] == 90


def _nist(rows: list[tuple[str, list[str]]]) -> bytes:
    """A NIST SP 1500-103 JSON CVR report: one CVR per (BallotStyleUnitId, ranking)."""
    names = [n for _, n in CANDIDATES]
    entries = []
    for unit, ranking in rows:
        marks = [{"ContestSelectionId": f"s{names.index(n)}",
                  "SelectionPosition": [{"Rank": r + 1}]} for r, n in enumerate(ranking)]
        entries.append({"CurrentSnapshotId": "now", "BallotStyleUnitId": unit, "CVRSnapshot": [
            {"@id": "now", "CVRContest": [{"ContestId": "k", "CVRContestSelection": marks}]}]})
    report = {"Election": [{"Candidate": [{"@id": f"c{i}", "Name": n}
                                          for i, n in enumerate(names)],
                            "Contest": [{"@id": "k", "ContestSelection": [
                                {"@id": f"s{i}", "CandidateIds": [f"c{i}"]}
                                for i in range(len(names))]}]}],
              "CVR": entries}
    return json.dumps(report).encode()


def test_a_nist_cvr_file_is_split_by_ballot_style_unit(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    rows = [(p, r) for p, r, n in BALLOTS for _ in range(n)]
    data = _nist(rows)
    for i in range(2):
        done = ballots.import_ballots(uow_factory, slug, data, "cvr.json", clerk(uow_factory, i))
    assert done.ballots == {"N": 90, "S": 90} and set(done.status.values()) == {"accepted"}
    assert published_result(uow_factory, slug)["winners"] == ["Bob Baker"]
    with pytest.raises(InvalidInput, match="unknown precinct 'X'") as caught:
        ballots.import_ballots(uow_factory, slug, _nist([("X", ["Alice Able"])]), "x.json",
                               clerk(uow_factory, 2))
    assert caught.value.problems[0].source == "x.json"
