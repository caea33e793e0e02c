"""The demo's pages tell the story: the 2001 page opens with what happened, every result version
is a page, re-voted precincts are marked, certified pages drop the live link and the
provisional footer."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import make_client

STORY = ["4 September: Avraham Burg ahead by 1,088", "dispute filed",
         "ruling voided 4 precincts", "re-vote 26 December",
         "Binyamin Ben-Eliezer elected 32,910 to 30,367"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_2001_page_opens_with_what_happened_in_order(demo: Any) -> None:
    with make_client(demo) as client:
        html = client.get("/elections/labor-2001").text
    story = html[html.index('id="story-heading"'):html.index('id="results-heading"')]
    texts = re.findall(r'<span class="step-text">([^<]*)</span>', story)
    assert texts == STORY
    assert 'class="versions-chart"' in story
    for n in range(1, 7):
        assert f'href="/elections/labor-2001/versions/{n}"' in story
    assert "Follow the count live" not in html  # certified
    assert "provisional until certified" not in html
    with make_client(demo) as client:
        live = client.get("/elections/labor-2001/live").text
        version = client.get("/elections/labor-2001/versions/2").text
    assert "provisional until certified" not in live + version
    marked = re.findall(r'\((?:<bdi>)?(\w{3})(?:</bdi>)?\)</span> <span class="badge '
                        r'badge-revote">re-voted', html)
    assert marked == ["NZR", "KSH", "DMN", "AKO"]


def test_a_version_page_shows_its_figures_and_what_changed(demo: Any) -> None:
    with make_client(demo) as client:
        page = client.get("/elections/labor-2001/versions/5")
        missing = client.get("/elections/labor-2001/versions/99")
        junk = client.get("/elections/labor-2001/versions/abc")
        csv = client.get("/elections/labor-2001/precincts.csv").text.splitlines()
    assert page.status_code == 200
    text = _text(page.text)
    assert "Result version 5" in text and "Change from version 4" in text
    assert "Why: re-vote counted (revote-1): AKO, DMN, KSH, NZR." in text
    assert "4 precincts changed" in text and text.count("re-voted (revote-1") == 4
    assert "Binyamin Ben-Eliezer 28,412 32,910 +4,498" in text
    for r in (missing, junk):
        assert r.status_code == 404 and "text/html" in r.headers["content-type"]
        assert "Traceback" not in r.text
    assert "has no result version" in missing.text
    assert csv[0].endswith(",poll,note")
    assert [line.split(",")[-2:] for line in csv[1:] if "revote" in line] == [
        ["revote-1", "re-voted 2001-12-26"]] * 4



def test_history_zooms_to_the_record_and_shows_the_vacancy(demo: Any) -> None:
    with make_client(demo) as client:
        html = client.get("/history").text
    svg = html[html.index("<svg"):html.index("</svg>")]
    years = {int(y) for y in re.findall(r">(\d{4})</text>", svg)}
    assert min(years) == 2001 and max(years) <= 2008  # not running on to today
    assert 'class="tenure tenure-vacant"' in svg and 'class="tenure tenure-interim"' in svg
    text = _text(html)
    assert "Vacant May 4, 2003 – Jun 19, 2003" in text


def test_the_version_page_has_a_json_twin(demo: Any) -> None:
    with make_client(demo) as client:
        body = client.get("/api/elections/labor-2001/versions/5").json()
        missing = client.get("/api/elections/labor-2001/versions/99")
        page = client.get("/api/elections/labor-2001/results?version=5").json()
    assert (body["version"], body["previous"]) == (5, 4)
    assert {c["name"]: c["delta"] for c in body["candidates"]} == {
        "Binyamin Ben-Eliezer": 4498, "Avraham Burg": 4367}
    assert [(p["precinct"], p["change"], p["before"], p["after"]["poll"])
            for p in body["precincts"]] == [
        (code, "re-voted", None, "revote-1") for code in ("NZR", "KSH", "DMN", "AKO")]
    assert body["result"] == page
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
