"""Disputes and rulings: evidence by SHA-256, dismiss, recount, void and re-vote, void a poll."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest

import tests.identities as ids
from hustings.domain.errors import InvalidInput, RuleViolation
from hustings.services import disputes, lifecycle, tallies
from hustings.services.queries import get_election, list_disputes, precinct_statuses
from hustings.services.results import published_result
from tests.integrity.builders import (
    SLUG,
    build,
    enter_both,
    report_all,
    sheet,
    sheet_rows,
)

EVIDENCE = b"Affidavit: the ballot box in S was opened overnight.\n"


def counted_from(uow_factory: Any) -> dict[str, tuple[str, str]]:
    """precinct -> (poll whose sheet counts there, its status)."""
    return {p.code: (p.poll, p.reconciliation.status)
            for _, p in precinct_statuses(uow_factory, SLUG)}


def test_evidence_is_stored_with_its_sha256(uow_factory: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["S"], "box opened",
                                   ids.ctx(uow_factory, "bob-campaign"),
                                   [("affidavit.txt", EVIDENCE)])
    assert number == 1
    [(dispute, ruling)] = list_disputes(uow_factory, SLUG)
    assert ruling is None
    assert (dispute.filed_by, dispute.poll, dispute.precincts, dispute.complaint) == (
        "bob-campaign", "initial", ("S",), "box opened")
    digest = hashlib.sha256(EVIDENCE).hexdigest()
    assert [(e.name, e.sha256) for e in dispute.evidence] == [("affidavit.txt", digest)]
    with uow_factory() as uow:
        assert uow.blobs.get(digest) == EVIDENCE


def test_a_dispute_names_precincts_of_its_poll(uow_factory: Any) -> None:
    build(uow_factory)
    with pytest.raises(InvalidInput, match="precinct 'X' is not part of poll 'initial'"):
        disputes.file_dispute(uow_factory, SLUG, "initial", ["X"], "?", ids.ctx(uow_factory,
                                                                                "committee"))
    with pytest.raises(InvalidInput, match="the complaint is empty"):
        disputes.file_dispute(uow_factory, SLUG, "initial", ["N"], "  ", ids.ctx(uow_factory,
                                                                                 "committee"))


def test_dismiss_changes_no_figure(uow_factory: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    before = published_result(uow_factory, SLUG)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["S"], "box opened",
                                   ids.ctx(uow_factory, "committee"))
    ruling = disputes.rule(uow_factory, SLUG, number, "dismiss", "unfounded", ids.ctx(uow_factory,
                                                                                      "tribunal"),
                           on=date(2024, 3, 3))
    assert ruling.decision.value == "dismiss" and ruling.revote_poll is None
    after = published_result(uow_factory, SLUG)
    assert after["version"] == before["version"]  # no figure changed: no new version
    assert get_election(uow_factory, SLUG).status.value == "provisional"
    [(_, stored)] = list_disputes(uow_factory, SLUG)
    assert stored is not None
    assert (stored.ruled_by, stored.ruled_at.date(), stored.reasons) == (
        "tribunal", date(2024, 3, 3), "unfounded")
    with pytest.raises(RuleViolation, match="dispute 1 was ruled on already"):
        disputes.rule(uow_factory, SLUG, number, "recount", "again", ids.ctx(uow_factory,
                                                                             "tribunal"))


def test_recount_voids_the_sheets_until_entered_again(uow_factory: Any, container: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["S"], "miscount",
                                   ids.ctx(uow_factory, "committee"))
    disputes.rule(uow_factory, SLUG, number, "recount", "count S again", ids.ctx(uow_factory,
                                                                                 "tribunal"))
    assert get_election(uow_factory, SLUG).status.value == "counting"
    assert counted_from(uow_factory)["S"] == ("initial", "awaiting second entry")
    result = published_result(uow_factory, SLUG)
    assert result["reason"] == "ruling on dispute 1 applied: recount in S"
    assert result["precincts"]["reporting"] == 2
    enter_both(uow_factory, SLUG, sheet("S", {"ann": 3, "bob": 6}))
    assert counted_from(uow_factory)["S"] == ("initial", "accepted")
    assert get_election(uow_factory, SLUG).status.value == "provisional"
    rows = sheet_rows(container.engine, "S")
    assert [(r["votes"]["ann"], r["voided_by"] is not None) for r in rows] == [
        (5, True), (5, True), (3, False), (3, False)]
    assert published_result(uow_factory, SLUG)["candidates"][0] == {
        "name": "Ann ANN", "votes": 16, "percentage": "59.26"}


def test_void_and_revote_only_in_the_voided_precincts(uow_factory: Any, container: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"), on=date(2024, 3, 2))
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["S", "E"], "ballot stuffing",
                                   ids.ctx(uow_factory, "committee"), [("photos.txt", EVIDENCE)])
    with pytest.raises(InvalidInput, match="a re-vote needs its date"):
        disputes.rule(uow_factory, SLUG, number, "void-and-revote", "proven", ids.ctx(uow_factory,
                                                                                      "tribunal"))
    with pytest.raises(InvalidInput, match="before the poll it redoes"):
        disputes.rule(uow_factory, SLUG, number, "void-and-revote", "proven", ids.ctx(uow_factory,
                                                                                      "tribunal"),
                      revote_day=date(2024, 2, 1))
    ruling = disputes.rule(uow_factory, SLUG, number, "void-and-revote", "proven",
                           ids.ctx(uow_factory, "tribunal"),
                           revote_day=date(2024, 4, 1), on=date(2024, 3, 20))
    assert ruling.revote_poll == "revote-1"
    with uow_factory() as uow:
        revote = uow.polls.get(SLUG, "revote-1")
        ruling_id = uow.disputes.all(SLUG)[0][1]
    assert (revote.kind.value, revote.day, revote.precincts, revote.replaces) == (
        "revote", date(2024, 4, 1), ("S", "E"), "initial")
    assert ruling_id is not None
    assert get_election(uow_factory, SLUG).status.value == "voting"
    # The original sheets stay stored, marked with the ruling; N is untouched.
    rulings = {r["voided_by"] for code in ("S", "E") for r in sheet_rows(container.engine, code)}
    assert len(rulings) == 1 and None not in rulings
    assert all(r["voided_by"] is None for r in sheet_rows(container.engine, "N"))
    assert counted_from(uow_factory) == {"N": ("initial", "accepted"),
                                         "S": ("revote-1", "awaiting second entry"),
                                         "E": ("revote-1", "awaiting second entry")}
    # Re-vote sheets: only the voided precincts, on their frozen roll.
    with pytest.raises(InvalidInput, match="precinct 'N' is not part of poll 'revote-1'"):
        tallies.enter_tally(uow_factory, SLUG,
                            sheet("N", {"ann": 1, "bob": 1}, poll="revote-1"),
                            ids.ctx(uow_factory, "clerk-a"))
    with pytest.raises(InvalidInput, match="the frozen roll has 10 voters in 'S'"):
        tallies.enter_tally(uow_factory, SLUG,
                            sheet("S", {"ann": 1, "bob": 1}, registered=11, poll="revote-1"),
                            ids.ctx(uow_factory, "clerk-a"))
    enter_both(uow_factory, SLUG, sheet("S", {"ann": 1, "bob": 9}, poll="revote-1"),
               sheet("E", {"ann": 2, "bob": 7}, poll="revote-1"))
    assert get_election(uow_factory, SLUG).status.value == "provisional"
    result = published_result(uow_factory, SLUG)
    # N's original sheet (8-1) with the re-vote's S (1-9) and E (2-7).
    assert [(c["name"], c["votes"]) for c in result["candidates"]] == [
        ("Bob BOB", 17), ("Ann ANN", 11)]
    from hustings.services.results import versions

    assert [v["reason"] for v in versions(uow_factory, SLUG)][-3:] == [
        "ruling on dispute 1 applied: void-and-revote in S, E, re-vote on 2024-04-01",
        "re-vote counted (revote-1): S", "re-vote counted (revote-1): E"]
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory, "committee"), on=date(2024, 4, 2))
    from hustings.services.queries import tenures

    assert [(x.holder, x.start, x.end) for x in tenures(uow_factory, "union", "president")] == [
        ("Ann ANN", date(2024, 3, 2), date(2024, 4, 2)), ("Bob BOB", date(2024, 4, 2), None)]


def test_void_the_whole_poll(uow_factory: Any, container: Any) -> None:
    build(uow_factory)
    report_all(uow_factory)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", [], "the whole vote was rigged",
                                   ids.ctx(uow_factory, "committee"))
    ruling = disputes.rule(uow_factory, SLUG, number, "void-poll", "rigged", ids.ctx(uow_factory,
                                                                                     "tribunal"),
                           revote_day=date(2024, 5, 1))
    assert ruling.precincts == ("N", "S", "E")
    with uow_factory() as uow:
        revote = uow.polls.get(SLUG, ruling.revote_poll or "")
    assert revote.precincts == ("N", "S", "E") and revote.replaces == "initial"
    assert all(r["voided_by"] is not None for code in ("N", "S", "E")
               for r in sheet_rows(container.engine, code))
    result = published_result(uow_factory, SLUG)
    assert result["precincts"] == {"reporting": 0, "total": 3} and result["winner"] is None
    assert result["reason"] == "ruling on dispute 1 applied: void-poll in N, S, E, re-vote on " \
        "2024-05-01"
    enter_both(uow_factory, SLUG, *(sheet(c, {"ann": 2, "bob": 3}, poll="revote-1")
                                    for c in ("N", "S", "E")))
    result = published_result(uow_factory, SLUG)
    assert result["winner"] == "Bob BOB" and result["margin"] == 3
