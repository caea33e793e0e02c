"""Two-clerk tally sheets: a sheet counts only when two different clerks' figures match."""

from __future__ import annotations

from typing import Any

import pytest

import tests.identities as ids
from hustings.domain.errors import InvalidInput
from hustings.services import tallies
from hustings.services.queries import precinct_statuses
from hustings.services.results import election_result, published_result
from tests.integrity.builders import SLUG, build, cli, sheet, sheet_rows


def state(uow_factory: Any, code: str) -> Any:
    found = [p.reconciliation for _, p in precinct_statuses(uow_factory, SLUG) if p.code == code]
    assert len(found) == 1
    return found[0]


def test_the_same_clerk_twice_does_not_count(uow_factory: Any) -> None:
    build(uow_factory)
    figures = sheet("N", {"ann": 8, "bob": 1})
    ana = ids.ctx(uow_factory, "clerk-a")
    assert tallies.enter_tally(uow_factory, SLUG, figures, ana) == "awaiting second entry"
    with pytest.raises(InvalidInput, match="clerk-a already entered precinct 'N' for poll "
                                           "'initial': a correction needs a reason"):
        tallies.enter_tally(uow_factory, SLUG, figures, ids.ctx(uow_factory, "clerk-a"))
    # Even a correction with a reason is still one clerk: nothing counts yet.
    assert tallies.enter_tally(uow_factory, SLUG, figures, ids.ctx(uow_factory, "clerk-a"),
                               reason="re-typed") == "awaiting second entry"
    assert election_result(uow_factory, SLUG).precincts_reporting == 0
    assert state(uow_factory, "N").clerks == ("clerk-a",)


def test_a_mismatch_is_shown_field_by_field_and_counts_for_nothing(
        uow_factory: Any, container: Any) -> None:
    build(uow_factory)
    tallies.enter_tally(uow_factory, SLUG, sheet("N", {"ann": 8, "bob": 1}), ids.ctx(uow_factory,
                                                                                     "clerk-a"))
    status = tallies.enter_tally(uow_factory, SLUG, sheet("N", {"ann": 7, "bob": 1}, invalid=1),
                                 ids.ctx(uow_factory, "clerk-b"))
    assert status == "mismatch"
    rec = state(uow_factory, "N")
    assert rec.accepted is None and rec.clerks == ("clerk-a", "clerk-b")
    assert rec.mismatches == {"invalid": (0, 1), "votes.ann": (8, 7)}
    assert election_result(uow_factory, SLUG).precincts_reporting == 0


def test_tally_status_cli_shows_the_mismatch(uow_factory: Any, container: Any,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from hustings.cli.context import console

    monkeypatch.setattr(console, "width", 200)
    build(uow_factory)
    tallies.enter_tally(uow_factory, SLUG, sheet("N", {"ann": 8, "bob": 1}), ids.ctx(uow_factory,
                                                                                     "clerk-a"))
    tallies.enter_tally(uow_factory, SLUG, sheet("N", {"ann": 7, "bob": 2}), ids.ctx(uow_factory,
                                                                                     "clerk-b"))
    code, out, err = cli(capsys, "--db", container.settings.database_url, "tally", "status",
                         SLUG)
    assert code == 0, err
    assert "mismatch" in out and "votes.ann: 8 ≠ 7" in out and "votes.bob: 1 ≠ 2" in out


def test_a_matching_second_entry_accepts(uow_factory: Any) -> None:
    build(uow_factory)
    figures = sheet("S", {"ann": 5, "bob": 4})
    tallies.enter_tally(uow_factory, SLUG, figures, ids.ctx(uow_factory, "clerk-a"))
    assert tallies.enter_tally(uow_factory, SLUG, figures, ids.ctx(uow_factory,
                                                                   "clerk-b")) == "accepted"
    rec = state(uow_factory, "S")
    assert rec.accepted == figures and rec.mismatches == {}
    result = published_result(uow_factory, SLUG)
    assert result["version"] == 1 and result["reason"] == "precincts reported (initial): S"
    assert result["precincts"] == {"reporting": 1, "total": 3}


def test_a_correction_needs_a_reason_and_keeps_the_earlier_figures(
        uow_factory: Any, container: Any) -> None:
    build(uow_factory)
    right = sheet("N", {"ann": 8, "bob": 1})
    tallies.enter_tally(uow_factory, SLUG, right, ids.ctx(uow_factory, "clerk-a"))
    typo = sheet("N", {"ann": 1, "bob": 8})
    tallies.enter_tally(uow_factory, SLUG, typo, ids.ctx(uow_factory, "clerk-b"))
    with pytest.raises(InvalidInput, match="a correction needs a reason"):
        tallies.enter_tally(uow_factory, SLUG, right, ids.ctx(uow_factory, "clerk-b"))
    assert tallies.enter_tally(uow_factory, SLUG, right, ids.ctx(uow_factory, "clerk-b"),
                               reason="digits swapped") == "accepted"
    rows = sheet_rows(container.engine, "N")
    assert [(r["entered_by"], r["votes"], r["reason"]) for r in rows] == [
        ("clerk-a", {"ann": 8, "bob": 1}, None),
        ("clerk-b", {"ann": 1, "bob": 8}, None),
        ("clerk-b", {"ann": 8, "bob": 1}, "digits swapped"),
    ]
    assert published_result(uow_factory, SLUG)["reason"] == \
        "correction by clerk-b: digits swapped"


def test_a_correction_after_acceptance_reopens_the_precinct(uow_factory: Any) -> None:
    build(uow_factory)
    right = sheet("N", {"ann": 8, "bob": 1})
    tallies.enter_tally(uow_factory, SLUG, right, ids.ctx(uow_factory, "clerk-a"))
    tallies.enter_tally(uow_factory, SLUG, right, ids.ctx(uow_factory, "clerk-b"))
    status = tallies.enter_tally(uow_factory, SLUG, sheet("N", {"ann": 7, "bob": 2}),
                                 ids.ctx(uow_factory, "clerk-a"),
                                 reason="misread the paper sheet")
    assert status == "mismatch"
    assert election_result(uow_factory, SLUG).precincts_reporting == 0


def test_a_conflicting_csv_import_names_each_field(uow_factory: Any) -> None:
    build(uow_factory)
    head = b"precinct,registered,ballots_cast,ann,bob,blank,invalid\n"
    tallies.import_tallies(uow_factory, SLUG, head + b"N,10,9,8,1,0,0\nS,10,9,5,4,0,0\n",
                           "a.csv", ids.ctx(uow_factory, "clerk-a"))
    tallies.import_tallies(uow_factory, SLUG, head + b"N,10,9,8,1,0,0\nS,10,9,4,5,0,0\n",
                           "b.csv", ids.ctx(uow_factory, "clerk-b"))
    assert state(uow_factory, "N").status == "accepted"
    assert state(uow_factory, "S").mismatches == {"votes.ann": (5, 4), "votes.bob": (4, 5)}
