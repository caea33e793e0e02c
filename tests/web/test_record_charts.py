"""The pure renderers behind the record pages: the flow chart, the timeline, the NIST report."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from xml.etree import ElementTree

from hustings.counting.profile import Profile
from hustings.counting.registry import get_method
from hustings.reports.flow import FlowRound, flow_chart, rounds_from_outcome
from hustings.reports.published_nist import nist_report
from hustings.reports.timeline import Span, timeline_chart

SVG = "{http://www.w3.org/2000/svg}"


def _irv() -> list[FlowRound]:
    profile = Profile.from_ballots(["A", "B", "C"], [[0, 1], [1, 0], [2, 1], [2, 0]],
                                   [5, 4, 2, 1])
    return rounds_from_outcome(get_method("irv").count(profile, 1, {}), lambda n: f"Round {n}")


def test_flow_chart_of_an_irv_count_draws_kept_votes_and_transfers() -> None:
    svg = flow_chart(_irv(), "Count", "Ranked count <&>", id_prefix="f")
    root = ElementTree.fromstring(str(svg))  # well-formed, escaped
    assert root.get("role") == "img" and root.get("aria-labelledby") == "f-title f-desc"
    tips = [p.find(f"{SVG}title").text for p in root.iter(f"{SVG}path")]  # type: ignore[union-attr]
    assert "C → B: 2" in tips and "C → A: 1" in tips and "B → exhausted: 2" in tips
    assert "A → A: 5" in tips and "A → A: 6" in tips
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels[:3] == ["Round 1", "A 5", "B 4"] and "exhausted 2" in labels


def test_flow_bands_fit_their_nodes() -> None:
    """No band leaves its node: every band's thickness adds up to at most the node's height."""
    svg = str(flow_chart(_irv(), "t", "d"))
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights and min(heights) >= 1.0
    runoff = [FlowRound("1", {"A": 40, "B": 35, "C": 25}), FlowRound("2", {"A": 30, "B": 60})]
    text = str(flow_chart(runoff, "t", "d"))
    assert "A → A: 30" in text and "B → B: 35" in text and "C →" not in text


def test_timeline_marks_kinds_without_relying_on_colour() -> None:
    spans = [Span("Ann", date(2001, 9, 4), date(2001, 12, 26), "elected", "2001", "Ann"),
             Span("Vacant", date(2001, 12, 26), date(2002, 1, 5), "vacant", "2001–2002"),
             Span("Bo (interim)", date(2002, 1, 5), None, "interim", "2002 – in office", "Bo")]
    svg = timeline_chart(spans, date(2004, 1, 1), "Leaders", "Rows", "t")
    root = ElementTree.fromstring(str(svg))
    groups = [g.get("class") for g in root.iter(f"{SVG}g")]
    assert groups == ["tenure tenure-elected", "tenure tenure-vacant", "tenure tenure-interim"]
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert "2001" in texts and "2004" in texts
    assert 'stroke-dasharray="4 2"' in str(svg)  # interim: dashed outline as well as paler


def test_nist_report_of_a_published_result() -> None:
    result = {"election": "x", "status": "provisional", "registered": 20, "ballots_cast": 15,
              "valid": 13, "blank": 1, "invalid": 1, "turnout": "75.0",
              "percentage_base": "valid", "precincts": {"reporting": 2, "total": 2},
              "candidates": [{"name": "Ann", "votes": 8, "percentage": "61.54"},
                             {"name": "Bo", "votes": 5, "percentage": "38.46"}],
              "winner": "Ann", "margin": 3}
    report = nist_report(result, title="T", contest="Chair", day=date(2024, 1, 2),
                         generated=datetime(2024, 1, 3, 12, 0, 0, 5, tzinfo=UTC))
    assert report["Status"] == "unofficial-complete"
    assert report["GeneratedDate"] == "2024-01-03T12:00:00+00:00"
    election = report["Election"][0]
    assert election["BallotCounts"][0]["BallotsCast"] == 15
    assert election["BallotCounts"][0]["BallotsRejected"] == 1
    assert [c.get("PostElectionStatus") for c in election["Candidate"]] == ["winner", None]
    contest = election["Contest"][0]
    assert contest["OtherCounts"][0]["Undervotes"] == 1
    assert [s["VoteCounts"] for s in contest["ContestSelection"]][1] == [
        {"@type": "ElectionResults.VoteCounts", "Count": 5, "GpUnitId": "gpu-scope",
         "Type": "total"}]


def test_timeline_zooms_to_the_record_and_keeps_labels_on_the_chart() -> None:
    """The axis ends with the office's record, not today; labels start at the left edge on
    their own line (readable when a phone shrinks the chart); an open tenure ends in an
    arrow."""
    spans = [Span("Ann", date(2001, 9, 4), date(2003, 5, 4), "elected", "2001–2003", "Ann"),
             Span("Vacant", date(2003, 5, 4), date(2003, 6, 19), "vacant", "2003"),
             Span("Bo (interim)", date(2003, 6, 19), None, "interim", "2003 –", "Bo")]
    svg = str(timeline_chart(spans, date(2007, 6, 12), "Leaders", "Rows", "t"))
    root = ElementTree.fromstring(svg)
    years = [int(t.text) for t in root.iter(f"{SVG}text") if (t.text or "").isdigit()]
    assert min(years) == 2001 and max(years) <= 2008
    labels = [t for t in root.iter(f"{SVG}text") if not (t.text or "").isdigit()]
    assert {t.get("x") for t in labels} == {"1"}
    assert root.get("viewBox", "").split()[2] == "360"
    assert len(list(root.iter(f"{SVG}path"))) == 1  # Bo's tenure goes on


def test_versions_chart_marks_kinds_by_shape_and_links_each_version() -> None:
    from hustings.reports.versions_chart import VersionMark, versions_chart

    kinds = ["partial", "returns", "certified", "ruling"]
    marks = [VersionMark(i + 1, k, f"Version {i + 1} <&>", f"/e/x/versions/{i + 1}", i == 3,
                         current=i == 1) for i, k in enumerate(kinds)]
    root = ElementTree.fromstring(str(versions_chart(marks, "Versions", "Marks", "v")))
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == [f"/e/x/versions/{n}" for n in (1, 2, 3, 4)]
    assert [a.get("aria-current") for a in links] == [None, "page", None, None]
    shapes = [[c.tag.removeprefix(SVG) for c in a if c.tag != f"{SVG}title"] for a in links]
    assert shapes == [["circle", "text"], ["circle", "circle", "text"], ["rect", "text"],
                      ["polygon", "text"]]
    assert links[0].find(f"{SVG}circle").get("fill") == "#ffffff"  # type: ignore[union-attr]
    assert links[0].find(f"{SVG}title").text == "Version 1 <&>"  # type: ignore[union-attr]
