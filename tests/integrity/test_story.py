"""The story of an election, derived from its record (services.story), on the demo: the steps,
the precinct changes each result version stored, the notes on re-voted precincts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hustings.domain.errors import NotFound
from hustings.services.results import published_result
from hustings.services.story import (
    candidate_deltas,
    election_story,
    precinct_notes,
    version_changes,
)
from hustings.services.web_queries import election_story as count_story

VOIDED = ("NZR", "KSH", "DMN", "AKO")


def _told(demo: Any, slug: str) -> list[tuple[Any, ...]]:
    steps = election_story(demo.uow_factory, slug).steps
    return [(s.kind, s.day, s.standing.leader if s.standing else None,
             s.standing.margin if s.standing else None, s.final) for s in steps]


def test_2001_tells_september_the_dispute_the_ruling_the_revote_and_the_reversal(
        demo: Any) -> None:
    assert _told(demo, "labor-2001") == [
        ("poll", date(2001, 9, 4), "Avraham Burg", 1088, False),
        ("dispute", date(2001, 9, 6), None, None, False),
        ("ruling", date(2001, 11, 1), None, None, False),
        ("revote", date(2001, 12, 26), None, None, False),
        ("certified", date(2001, 12, 26), "Binyamin Ben-Eliezer", 2543, True),
    ]
    story = election_story(demo.uow_factory, "labor-2001")
    september, _, ruling, revote, final = story.steps
    assert september.certified == date(2001, 9, 4)  # Burg was certified, then overturned
    assert ruling.decision == "void-and-revote" and ruling.precincts == VOIDED
    assert revote.poll == "revote-1"
    assert (final.standing.leader_votes, final.standing.second_votes) == (32910, 30367)
    assert [v.kind for v in story.versions] == [
        "partial", "returns", "certified", "ruling", "returns", "certified"]


def test_a_two_round_election_tells_its_runoff(demo: Any) -> None:
    steps = election_story(demo.uow_factory, "labor-2007").steps
    first, runoff = steps
    assert (first.day, first.standing.leader, first.runoff) == (
        date(2007, 5, 28), "Ehud Barak", ("Ehud Barak", "Ami Ayalon"))
    assert (runoff.poll_kind, runoff.final, runoff.standing.leader_votes,
            runoff.standing.second_votes) == ("runoff", True, 34542, 32117)


def test_each_version_keeps_what_changed_precinct_by_precinct(demo: Any) -> None:
    factory = demo.uow_factory
    current, previous, changes = version_changes(factory, "labor-2001", 4)
    assert previous is not None and previous["version"] == 3
    assert [(c["precinct"], c["change"], c["after"]) for c in changes] == [
        (code, "voided", None) for code in VOIDED]
    deltas = {d["name"]: d["delta"] for d in candidate_deltas(current, previous)}
    before = sum(c["before"]["votes"]["burg"] for c in changes)
    assert deltas["Avraham Burg"] == -before
    _, _, revoted = version_changes(factory, "labor-2001", 5)
    assert {(c["precinct"], c["change"], c["after"]["poll"]) for c in revoted} == {
        (code, "re-voted", "revote-1") for code in VOIDED}
    assert "precinct_changes" not in published_result(factory, "labor-2001", 5)
    with pytest.raises(NotFound):
        version_changes(factory, "labor-2001", 99)


def test_re_voted_precincts_are_noted(demo: Any) -> None:
    told = count_story(demo.uow_factory, "labor-2001")
    notes = precinct_notes({p.key: p for p in told.facts.polls}, list(told.disputes),
                           {p.code: p.poll for p in told.live.precincts})
    assert {code: (n.status, n.day, n.dispute) for code, n in notes.items()} == {
        code: ("re-voted", date(2001, 12, 26), 1) for code in VOIDED}


def test_a_voided_precinct_awaiting_its_revote_is_noted_and_the_result_is_not_final(
        demo: Any) -> None:
    """A ruling after certification voids one 2002 precinct: the story no longer ends in an
    election, the re-vote is pending, the precinct is noted as voided (a CSV row of its own)."""
    from hustings.services import disputes
    from hustings.services.commands import as_user
    from hustings.services.demo import ADMINISTRATOR, DEFAULT_PASSWORD
    from hustings.services.users import authenticate
    from tests.web.conftest import make_client

    factory = demo.uow_factory
    committee = as_user(authenticate(factory, ADMINISTRATOR, DEFAULT_PASSWORD))
    number = disputes.file_dispute(factory, "labor-2002", "initial", ["NZR"], "Irregular.",
                                   committee, [], on=date(2002, 11, 20), filed_by="ramon")
    disputes.rule(factory, "labor-2002", number, "void-and-revote", "Held again.", committee,
                  revote_day=date(2002, 12, 1), on=date(2002, 11, 25))
    steps = election_story(factory, "labor-2002").steps
    assert [(s.kind, s.final) for s in steps] == [
        ("poll", False), ("dispute", False), ("ruling", False), ("revote", False)]
    assert steps[-1].versions == () and steps[-1].day == date(2002, 12, 1)
    told = count_story(factory, "labor-2002")
    notes = precinct_notes({p.key: p for p in told.facts.polls}, list(told.disputes),
                           {p.code: p.poll for p in told.live.precincts})
    assert {c: (n.status, n.day) for c, n in notes.items()} == {
        "NZR": ("voided", date(2002, 11, 25))}
    with make_client(demo) as client:
        csv = client.get("/elections/labor-2002/precincts.csv").text.splitlines()
        html = client.get("/elections/labor-2002").text
    assert csv[-1] == "NZR,,,,,,,,,,,voided 2002-11-25"
    assert "voided November 25, 2002, awaiting re-vote" in html
    assert "Follow the count live" in html  # no longer certified
