"""Versioned results: each change makes an immutable version with its reason; the CLI reads any."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

import tests.identities as ids
from hustings.services import disputes, lifecycle
from tests.integrity.builders import SLUG, build, cli, enter_both, sheet


def at(day: int, hour: int) -> datetime:
    return datetime(2024, 3, day, hour)


@pytest.fixture
def history(uow_factory: Any, container: Any) -> str:
    """Six versions: three precincts report, certification, a recount ruling, N again."""
    build(uow_factory, at=at(1, 8))
    enter_both(uow_factory, SLUG, sheet("N", {"ann": 8, "bob": 1}), at=at(1, 20))
    enter_both(uow_factory, SLUG, sheet("S", {"ann": 5, "bob": 4}), at=at(1, 21))
    enter_both(uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}), at=at(1, 22))
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee", now=at(1, 23)),
                      on=date(2024, 3, 1))
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["N"], "miscount",
                                   ids.ctx(uow_factory, "bob", now=at(2, 9)))
    disputes.rule(uow_factory, SLUG, number, "recount", "count N again",
                  ids.ctx(uow_factory, "tribunal", now=at(2, 10)))
    enter_both(uow_factory, SLUG, sheet("N", {"ann": 1, "bob": 8}), at=at(2, 12))
    return str(container.settings.database_url)


def results(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> Any:
    code, out, err = cli(capsys, "--db", db, "results", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_each_change_makes_a_version_with_its_reason(
        history: str, capsys: pytest.CaptureFixture[str]) -> None:
    listed = results(capsys, history, "versions", SLUG)
    assert [(v["version"], v["created_at"], v["reason"], v["winner"]) for v in listed] == [
        (1, "2024-03-01T20:00:00", "precincts reported (initial): N", "Ann ANN"),
        (2, "2024-03-01T21:00:00", "precincts reported (initial): S", "Ann ANN"),
        (3, "2024-03-01T22:00:00", "precincts reported (initial): E", "Ann ANN"),
        (4, "2024-03-01T23:00:00", "certified on 2024-03-01: Ann ANN elected", "Ann ANN"),
        (5, "2024-03-02T10:00:00", "ruling on dispute 1 applied: recount in N", "Ann ANN"),
        (6, "2024-03-02T12:00:00", "precincts reported (initial): N", "Bob BOB"),
    ]
    latest = results(capsys, history, SLUG)
    assert (latest["version"], latest["status"], latest["winner"]) == (6, "provisional",
                                                                       "Bob BOB")


def test_version_and_as_of_select_earlier_results(
        history: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = results(capsys, history, SLUG, "--version", "1")
    assert (first["version"], first["reason"], first["status"]) == (
        1, "precincts reported (initial): N", "counting")
    assert first["precincts"] == {"reporting": 1, "total": 3}
    assert [(c["name"], c["votes"]) for c in first["candidates"]] == [("Ann ANN", 8),
                                                                      ("Bob BOB", 1)]
    assert results(capsys, history, SLUG, "--as-of", "2024-03-01T21:30:00")["version"] == 2
    assert results(capsys, history, SLUG, "--as-of", "2024-03-01T23:00:00")["version"] == 4
    assert results(capsys, history, SLUG, "--as-of", "2024-03-02T11:00")["version"] == 5
    code, _, err = cli(capsys, "--db", history, "results", SLUG, "--as-of", "2024-03-01T19:00")
    assert code == 3 and "'pres-2024' had no result at 2024-03-01T19:00:00" in err
    code, _, err = cli(capsys, "--db", history, "results", SLUG, "--version", "9")
    assert code == 3 and "has no result version 9 (versions 1–6)" in err
    code, _, err = cli(capsys, "--db", history, "results", SLUG, "--as-of", "yesterday")
    assert code == 2 and "'yesterday' is not a timestamp" in err


def test_versions_are_immutable(uow_factory: Any, history: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from hustings.services import tallies

    before = [results(capsys, history, SLUG, "--version", str(n)) for n in range(1, 7)]
    for clerk in ("clerk-a", "clerk-b"):
        tallies.enter_tally(uow_factory, SLUG, sheet("N", {"ann": 2, "bob": 7}),
                            ids.ctx(uow_factory, clerk, now=at(3, 9)), reason="misread")
    after = results(capsys, history, SLUG)
    assert (after["version"], after["reason"]) == (8, "correction by clerk-b: misread")
    assert [results(capsys, history, SLUG, "--version", str(n)) for n in range(1, 7)] == before


def test_diff_names_every_changed_figure(history: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    changes = results(capsys, history, "diff", SLUG, "4", "6")
    assert changes == [
        {"what": "status", "a": "certified", "b": "provisional"},
        {"what": "winner", "a": "Ann ANN", "b": "Bob BOB"},
        {"what": "margin", "a": 9, "b": 5},
        {"what": "Ann ANN: votes", "a": 18, "b": 11},
        {"what": "Ann ANN: percentage", "a": "66.67", "b": "40.74"},
        {"what": "Bob BOB: votes", "a": 9, "b": 16},
        {"what": "Bob BOB: percentage", "a": "33.33", "b": "59.26"},
    ]
    code, out, _ = cli(capsys, "--db", history, "results", "diff", SLUG, "1", "2")
    assert code == 0 and "version 1 → 2" in out and "precincts reporting" in out
    code, out, _ = cli(capsys, "--db", history, "results", "diff", SLUG, "3", "3")
    assert code == 0 and "no differences" in out
    code, _, err = cli(capsys, "--db", history, "results", "diff", SLUG, "1")
    assert code == 2 and "usage: hustings results diff ELECTION A B" in err
