"""Runoffs: a two-round rule with a 40% threshold that nobody passes opens the next poll itself."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import tests.identities as ids
from hustings.domain.errors import InvalidInput
from hustings.services import lifecycle, tallies
from hustings.services.queries import get_election, tenures
from hustings.services.results import published_result
from tests.integrity.builders import SLUG, build, cli, enter_both, sheet

TWO_ROUND = {"method": "two-round", "candidates": ("ann", "bob", "cat"),
             "runoff_day": "2024-03-15", "rules": "threshold = 40"}


def first_round(uow_factory: Any, ann_in_e: int = 3) -> None:
    """Ann 11, Bob 10, Cat 9 of 30: 36.7%, short of 40% (or Ann 12: 40%, enough)."""
    enter_both(uow_factory, SLUG,
               sheet("N", {"ann": 4, "bob": 3, "cat": 3}),
               sheet("S", {"ann": 4, "bob": 3, "cat": 3}),
               sheet("E", {"ann": ann_in_e, "bob": 4, "cat": 3 - (ann_in_e - 3)}))


def test_nobody_over_the_threshold_opens_the_runoff(uow_factory: Any, container: Any,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    build(uow_factory, **TWO_ROUND)
    first_round(uow_factory)
    assert get_election(uow_factory, SLUG).status.value == "voting"
    with uow_factory() as uow:
        polls = uow.polls.all(SLUG)
    assert [(p.key, p.kind.value, p.day, p.precincts, p.candidates) for p in polls] == [
        ("initial", "initial", date(2024, 3, 1), ("N", "S", "E"), None),
        ("runoff", "runoff", date(2024, 3, 15), ("N", "S", "E"), ("ann", "bob"))]
    pending = published_result(uow_factory, SLUG)
    assert pending["winner"] is None
    assert pending["polls"][0]["runoff"] == ["Ann ANN", "Bob BOB"]
    with pytest.raises(InvalidInput, match="unknown candidate 'cat'"):
        tallies.enter_tally(uow_factory, SLUG,
                            sheet("N", {"ann": 4, "bob": 3, "cat": 3}, poll="runoff"),
                            ids.ctx(uow_factory, "clerk-a"))
    with pytest.raises(InvalidInput, match="the frozen roll has 10 voters in 'N'"):
        tallies.enter_tally(uow_factory, SLUG,
                            sheet("N", {"ann": 4, "bob": 5}, registered=9, poll="runoff"),
                            ids.ctx(uow_factory, "clerk-a"))
    enter_both(uow_factory, SLUG, *(sheet(c, {"ann": 4, "bob": 5}, poll="runoff")
                                    for c in ("N", "S", "E")))
    assert get_election(uow_factory, SLUG).status.value == "provisional"
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"), on=date(2024, 3, 16))
    final = published_result(uow_factory, SLUG)
    assert final["winner"] == "Bob BOB" and final["margin"] == 3
    assert [(c["name"], c["votes"]) for c in final["candidates"]] == [("Bob BOB", 15),
                                                                       ("Ann ANN", 12)]
    rounds = final["polls"]
    assert [(r["round"], r["poll"], r["day"], r.get("runoff")) for r in rounds] == [
        (1, "initial", "2024-03-01", ["Ann ANN", "Bob BOB"]), (2, "runoff", "2024-03-15", None)]
    assert [(c["name"], c["votes"], c["percentage"]) for c in rounds[0]["candidates"]] == [
        ("Ann ANN", 11, "36.67"), ("Bob BOB", 10, "33.33"), ("Cat CAT", 9, "30.00")]
    assert [t.holder for t in tenures(uow_factory, "union", "president")] == ["Bob BOB"]
    code, out, err = cli(capsys, "--db", container.settings.database_url, "results", SLUG)
    assert code == 0, err
    assert "Round 1 (initial, 2024-03-01): Ann ANN 11 (36.67%)" in out
    assert "runoff: Ann ANN v Bob BOB" in out


def test_a_candidate_over_the_threshold_wins_in_the_first_round(uow_factory: Any) -> None:
    build(uow_factory, **TWO_ROUND)
    first_round(uow_factory, ann_in_e=4)  # Ann 12 of 30: exactly 40%, which is enough
    assert get_election(uow_factory, SLUG).status.value == "provisional"
    with uow_factory() as uow:
        assert [p.key for p in uow.polls.all(SLUG)] == ["initial"]
    assert published_result(uow_factory, SLUG)["winner"] == "Ann ANN"


def test_without_a_runoff_day_the_runoff_is_a_week_later(uow_factory: Any) -> None:
    build(uow_factory, **{**TWO_ROUND, "runoff_day": None})
    first_round(uow_factory)
    with uow_factory() as uow:
        assert uow.polls.get(SLUG, "runoff").day == date(2024, 3, 8)
