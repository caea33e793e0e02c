"""The 2001 story, as `hustings demo` plays it: September, the dispute, the re-vote, the tenures."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from hustings.services.queries import list_disputes, tenures
from hustings.services.results import published_result, versions
from tests.conftest import DEMO_DIR
from tests.integrity.builders import sheet_rows

SLUG = "labor-2001"


def test_leadership_follows_the_count(demo: Any) -> None:
    held = tenures(demo.uow_factory, "israeli-labor", "leader")
    assert [(t.holder, t.kind.value, t.start, t.end, t.election) for t in held] == [
        ("Avraham Burg", "elected", date(2001, 9, 4), date(2001, 12, 26), "labor-2001"),
        ("Binyamin Ben-Eliezer", "elected", date(2001, 12, 26), date(2002, 11, 19),
         "labor-2001"),
        ("Amram Mitzna", "elected", date(2002, 11, 19), date(2003, 5, 4), "labor-2002"),
        (None, "vacant", date(2003, 5, 4), date(2003, 6, 19), None),  # Mitzna resigned
        ("Shimon Peres", "interim", date(2003, 6, 19), date(2007, 6, 12), "labor-2003"),
        ("Ehud Barak", "elected", date(2007, 6, 12), None, "labor-2007"),
    ]


def test_2007_opens_its_runoff_itself_and_reproduces_the_published_figures(demo: Any) -> None:
    factory = demo.uow_factory
    listed = versions(factory, "labor-2007")
    first = published_result(factory, "labor-2007", listed[0]["version"])
    assert first["winner"] is None and first["winners"] == []
    [round1] = [p for p in first["polls"] if p["poll"] == "initial"]
    assert [(c["name"], c["votes"]) for c in round1["candidates"]] == [
        ("Ehud Barak", 23887), ("Ami Ayalon", 20514), ("Amir Peretz", 15037),
        ("Ophir Paz-Pines", 5330), ("Danny Yatom", 1806)]
    assert round1["runoff"] == ["Ehud Barak", "Ami Ayalon"]  # nobody reached 40% (35.88%)
    final = published_result(factory, "labor-2007")
    assert final["status"] == "certified" and final["winners"] == ["Ehud Barak"]
    assert [(c["name"], c["votes"]) for c in final["candidates"]] == [
        ("Ehud Barak", 34542), ("Ami Ayalon", 32117)]
    assert [(p["poll"], p["day"]) for p in final["polls"]] == [
        ("initial", "2007-05-28"), ("runoff", "2007-06-12")]
    assert [r["tallies"] for r in final["rounds"]][1] == {"Ehud Barak": "34542",
                                                         "Ami Ayalon": "32117"}


def test_the_2001_story(demo: Any) -> None:
    factory = demo.uow_factory
    listed = versions(factory, SLUG)
    september = [v for v in listed if v["reason"].startswith("certified on 2001-09-04")]
    assert len(september) == 1
    first = published_result(factory, SLUG, september[0]["version"])
    assert first["winner"] == "Avraham Burg" and first["margin"] == 1088
    assert [(c["name"], c["votes"]) for c in first["candidates"]] == [
        ("Avraham Burg", 32500), ("Binyamin Ben-Eliezer", 31412)]
    final = published_result(factory, SLUG)
    assert final["reason"] == "certified on 2001-12-26: Binyamin Ben-Eliezer elected"
    assert final["status"] == "certified"
    assert [(c["name"], c["votes"]) for c in final["candidates"]] == [
        ("Binyamin Ben-Eliezer", 32910), ("Avraham Burg", 30367)]
    [(dispute, ruling)] = list_disputes(factory, SLUG)
    evidence = (DEMO_DIR / "evidence-2001-dispute.txt").read_bytes()
    assert dispute.evidence[0].sha256 == hashlib.sha256(evidence).hexdigest()
    assert dispute.filed_at.date() == date(2001, 9, 6)  # the day given, not the day entered
    assert ruling is not None and ruling.decision.value == "void-and-revote"
    assert ruling.precincts == ("NZR", "KSH", "DMN", "AKO")
    with factory() as uow:
        revote = uow.polls.get(SLUG, "revote-1")
    assert (revote.day, revote.precincts, revote.replaces) == (
        date(2001, 12, 26), ("NZR", "KSH", "DMN", "AKO"), "initial")
    rows = sheet_rows(demo.engine, "NZR", SLUG)
    voided = [r["poll"] for r in rows if r["voided_by"] is not None]
    assert voided == ["initial", "initial"]  # both clerks' September entries, kept and marked
    assert [r["poll"] for r in rows if r["voided_by"] is None] == ["revote-1", "revote-1"]
    assert [r["voided_by"] for r in sheet_rows(demo.engine, "TLV", SLUG)] == [None, None]
