"""Lifecycle guards: every illegal step is refused, naming the rule; the legal path works."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

import tests.identities as ids
from hustings.domain.errors import HustingsError, RuleViolation
from hustings.services import disputes, elections, lifecycle, members, tallies
from hustings.services.queries import get_election, tenures
from hustings.services.results import published_result
from tests.integrity.builders import (
    SLUG,
    build,
    definition,
    enter_both,
    members_csv,
    report_all,
    sheet,
)


def status(uow_factory: Any) -> str:
    return get_election(uow_factory, SLUG).status.value


def test_legal_path_from_draft_to_certified(uow_factory: Any) -> None:
    elections.create_election(uow_factory, definition(), "def.toml", ids.ctx(uow_factory,
                                                                             "committee"))
    assert status(uow_factory) == "draft"
    members.import_members(uow_factory, "members", members_csv({"N": 10, "S": 10, "E": 10}),
                           "m.csv", ids.ctx(uow_factory, "committee"))
    elections.freeze_roll(uow_factory, SLUG, ids.ctx(uow_factory, "committee"))
    lifecycle.advance(uow_factory, SLUG, "nominations", ids.ctx(uow_factory, "committee"))
    lifecycle.advance(uow_factory, SLUG, "voting", ids.ctx(uow_factory, "committee"))
    enter_both(uow_factory, SLUG, sheet("N", {"ann": 8, "bob": 1}))
    assert status(uow_factory) == "counting"  # the first accepted sheet starts the count
    enter_both(uow_factory, SLUG, sheet("S", {"ann": 5, "bob": 4}),
               sheet("E", {"ann": 5, "bob": 4}))
    assert status(uow_factory) == "provisional"  # every precinct has reported
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"), on=date(2024, 3, 2))
    assert status(uow_factory) == "certified"
    held = tenures(uow_factory, "union", "president")
    assert [(x.holder, x.start, x.end, x.election) for x in held] == [
        ("Ann ANN", date(2024, 3, 2), None, SLUG)]
    result = published_result(uow_factory, SLUG)
    assert result["reason"] == "certified on 2024-03-02: Ann ANN elected"
    assert result["status"] == "certified" and result["margin"] == 9


@pytest.mark.parametrize(("steps", "target", "message"), [
    ((), "voting", "cannot go from draft to voting (allowed next: nominations)"),
    (("nominations",), "certified", "cannot go from nominations to certified"),
    (("nominations",), "sometime", "'sometime' is not one of draft, nominations"),
])
def test_skipping_steps_is_refused(uow_factory: Any, steps: tuple[str, ...], target: str,
                                   message: str) -> None:
    elections.create_election(uow_factory, definition(), "def.toml", ids.ctx(uow_factory,
                                                                             "committee"))
    for step in steps:
        lifecycle.advance(uow_factory, SLUG, step, ids.ctx(uow_factory, "committee"))
    with pytest.raises(HustingsError, match=re.escape(message)):
        lifecycle.advance(uow_factory, SLUG, target, ids.ctx(uow_factory, "committee"))


def test_voting_needs_a_frozen_roll(uow_factory: Any) -> None:
    elections.create_election(uow_factory, definition(), "def.toml", ids.ctx(uow_factory,
                                                                             "committee"))
    lifecycle.advance(uow_factory, SLUG, "nominations", ids.ctx(uow_factory, "committee"))
    with pytest.raises(RuleViolation, match="not frozen: voting cannot open without a frozen "
                                            "roll"):
        lifecycle.advance(uow_factory, SLUG, "voting", ids.ctx(uow_factory, "committee"))
    assert status(uow_factory) == "nominations"


def test_withdrawal_only_before_voting(uow_factory: Any) -> None:
    elections.create_election(uow_factory, definition(candidates=("ann", "bob", "cat")),
                              "def.toml", ids.ctx(uow_factory, "committee"))
    lifecycle.advance(uow_factory, SLUG, "nominations", ids.ctx(uow_factory, "committee"))
    lifecycle.withdraw(uow_factory, SLUG, "cat", ids.ctx(uow_factory, "committee"))
    assert get_election(uow_factory,
                        SLUG).candidate("cat").status.value == "withdrawn"  # type: ignore[union-attr]
    members.import_members(uow_factory, "members", members_csv({"N": 10}), "m.csv",
                           ids.ctx(uow_factory, "committee"))
    elections.freeze_roll(uow_factory, SLUG, ids.ctx(uow_factory, "committee"))
    lifecycle.advance(uow_factory, SLUG, "voting", ids.ctx(uow_factory, "committee"))
    with pytest.raises(RuleViolation, match="candidates may withdraw only before voting opens"):
        lifecycle.withdraw(uow_factory, SLUG, "bob", ids.ctx(uow_factory, "committee"))
    assert get_election(uow_factory,
                        SLUG).candidate("bob").status.value == "nominated"  # type: ignore[union-attr]


def test_no_tally_after_certification_without_a_ruling(uow_factory: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"), on=date(2024, 3, 2))
    late = sheet("N", {"ann": 7, "bob": 2})
    with pytest.raises(RuleViolation, match="certified: no tally sheets without a ruling"):
        tallies.enter_tally(uow_factory, SLUG, late, ids.ctx(uow_factory, "clerk-c"))
    with pytest.raises(RuleViolation, match="only a ruling on a dispute can reopen it"):
        lifecycle.advance(uow_factory, SLUG, "counting", ids.ctx(uow_factory, "committee"))
    # A ruling (a recount of N) reopens the count; then the sheet is taken.
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["N"], "miscounted",
                                   ids.ctx(uow_factory, "committee"))
    disputes.rule(uow_factory, SLUG, number, "recount", "recount N", ids.ctx(uow_factory,
                                                                             "committee"))
    assert status(uow_factory) == "counting"
    enter_both(uow_factory, SLUG, late)
    assert status(uow_factory) == "provisional"


def test_no_certification_with_unreported_precincts_unless_a_ruling_allows(
        uow_factory: Any) -> None:
    build(uow_factory)
    enter_both(uow_factory, SLUG, sheet("N", {"ann": 8, "bob": 1}),
               sheet("S", {"ann": 5, "bob": 4}))
    with pytest.raises(RuleViolation, match=r"1 precinct\(s\) have not reported \(E\): no "
                                            "certified result unless a ruling allows it"):
        lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"))
    with pytest.raises(RuleViolation, match="have not reported: no provisional result unless a "
                                            "ruling allows it"):
        lifecycle.advance(uow_factory, SLUG, "provisional", ids.ctx(uow_factory, "committee"))
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["E"],
                                   "the ballot box of E was lost", ids.ctx(uow_factory,
                                                                           "committee"))
    with pytest.raises(RuleViolation):  # E is still unreported: a dispute alone excuses nothing
        lifecycle.advance(uow_factory, SLUG, "provisional", ids.ctx(uow_factory, "committee"))
    disputes.rule(uow_factory, SLUG, number, "accept-unreported", "E cannot be counted",
                  ids.ctx(uow_factory, "tribunal"))
    lifecycle.advance(uow_factory, SLUG, "provisional", ids.ctx(uow_factory, "committee"))
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"), on=date(2024, 3, 5))
    result = published_result(uow_factory, SLUG)
    assert result["status"] == "certified" and result["precincts"] == {"reporting": 2,
                                                                       "total": 3}
    assert result["winner"] == "Ann ANN"


def test_pending_dispute_blocks_certification(uow_factory: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["S"], "intimidation",
                                   ids.ctx(uow_factory, "committee"))
    with pytest.raises(RuleViolation, match=r"1 dispute\(s\) await a ruling"):
        lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"))
    disputes.rule(uow_factory, SLUG, number, "dismiss", "no evidence", ids.ctx(uow_factory,
                                                                               "committee"))
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"))
    assert status(uow_factory) == "certified"
