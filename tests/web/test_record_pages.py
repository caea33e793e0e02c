"""The election page's record (versions, polls, disputes, rounds), downloads, history, people."""

from __future__ import annotations

import json
import time
from pathlib import Path

import tests.identities as ids
from hustings.formats import article, wikitext
from hustings.services import elections, tallies
from hustings.services.results import published_result
from tests.web.conftest import Web
from tests.web.seed import DATA, SLUG, open_voting

SHEET_E = {"precinct": "E", "registered": 6, "ballots_cast": 5,
           "votes": {"adler": 1, "baptiste": 3, "chen": 0}, "blank": 0, "invalid": 1}
RUNOFF = "union-2025"


def _certify(web: Web) -> None:
    """E reports (Baptiste overtakes Adler) and the administrator certifies on 20 April."""
    token = web.sign_in("administrator")
    headers = {"X-CSRF-Token": token}
    assert web.client.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET_E,
                           headers=headers).status_code == 201
    r = web.client.post(f"/api/elections/{SLUG}/status", headers=headers,
                        json={"status": "certified", "on": "2024-04-20"})
    assert r.status_code == 200, r.text
    assert r.json() == {"election": SLUG, "status": "certified"}
    web.client.delete("/api/session", headers=headers)


def test_election_page_shows_the_published_version_polls_and_versions(web: Web) -> None:
    html = web.client.get(f"/elections/{SLUG}").text
    assert "Result version 1: <bdi>precincts reported (initial): N, S</bdi>." in html
    assert 'id="polls-heading"' in html and "Initial vote" in html
    assert 'id="versions-heading"' in html and "<caption id=\"versions-caption\">" in html
    assert 'href="/people/Ruth%20Adler"' in html
    assert "Round by round" not in html  # one round only
    assert "Disputes and rulings" not in html


def test_published_figures_not_the_live_count(web: Web) -> None:
    """The page and the JSON show the stored version; the API can fetch an older one."""
    _certify(web)
    body = web.client.get(f"/api/elections/{SLUG}/results").json()
    assert body == published_result(web.uow_factory, SLUG)  # type: ignore[arg-type]
    assert body["version"] == 3 and body["reason"].startswith("certified on 2024-04-20")
    first = web.client.get(f"/api/elections/{SLUG}/results?version=1").json()
    assert first["version"] == 1 and first["winner"] == "Ruth Adler"
    assert web.client.get(f"/api/elections/{SLUG}/results?version=9").status_code == 404
    assert web.client.get(f"/api/elections/{SLUG}/results?version=x").status_code == 422
    versions = web.client.get(f"/api/elections/{SLUG}/versions").json()
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[-1]["winner"] == "Jean Baptiste"
    html = web.client.get(f"/elections/{SLUG}").text
    assert "<bdi>Jean Baptiste</bdi> won by 1 vote." in html
    assert '<tr class="current">' in html


def test_downloads_of_the_published_result(web: Web) -> None:
    _certify(web)
    r = web.client.get(f"/elections/{SLUG}/results.nist.json")
    assert r.headers["content-disposition"] == \
        f'attachment; filename="{SLUG}-results.nist.json"'
    report = r.json()
    assert report["@type"] == "ElectionResults.ElectionReport" and report["Status"] == "certified"
    contest = report["Election"][0]["Contest"][0]
    totals = {s["CandidateIds"][0]: s["VoteCounts"][-1]["Count"]
              for s in contest["ContestSelection"]}
    assert sorted(totals.values()) == [2, 7, 8]
    winners = [c["@id"] for c in report["Election"][0]["Candidate"]
               if c.get("PostElectionStatus") == "winner"]
    assert winners == ["cand-1-jean-baptiste"]
    text = web.client.get(f"/elections/{SLUG}/article.txt").text
    record = article.parse(text)
    assert record.slug == SLUG and record.after == "Jean Baptiste"
    assert [(c.name, c.votes) for c in record.candidates][0] == ("Jean Baptiste", "8")
    assert record.office == "President" and record.electorate == "Union membership"
    wiki = wikitext.parse(web.client.get(f"/elections/{SLUG}/wikitext.txt").text)
    assert wiki.candidates == record.candidates
    html = web.client.get(f"/elections/{SLUG}").text
    for name in ("results.nist.json", "article.txt", "wikitext.txt"):
        assert f"/elections/{SLUG}/{name}" in html


def test_history_and_person_pages(web: Web) -> None:
    assert "No holders recorded yet." in web.client.get("/history").text
    _certify(web)
    html = web.client.get("/history").text
    assert "<bdi>Example Workers&#39; Union</bdi> · <bdi>President</bdi>" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline-chart" role="img"' in html
    assert 'href="/people/Jean%20Baptiste"' in html and "in office" in html
    assert "<script>" not in html and " style=" not in html
    home = web.client.get("/").text
    assert ('<bdi>President</bdi>: <a href="/people/Jean%20Baptiste"><bdi>Jean Baptiste</bdi></a>, '
            'since') in home
    page = web.client.get("/people/Jean%20Baptiste").text
    assert "<bdi>President</bdi> (elected)" in page and "won" in page
    assert f'href="/elections/{SLUG}"' in page
    loser = web.client.get("/people/Ruth%20Adler").text
    assert "No office held." in loser and ">lost<" in loser
    assert web.client.get("/people/Nobody%20Here").status_code == 404
    history = web.client.get("/api/history").json()
    assert history[0]["tenures"][0]["holder"] == "Jean Baptiste"
    assert history[0]["tenures"][0]["start"] == "2024-04-20"
    person = web.client.get("/api/people/Ruth%20Adler").json()
    assert person["elections"][0] == {"election": SLUG, "run": True, "votes": "7",
                                      "title": person["elections"][0]["title"],
                                      "percentage": "41.18", "outcome": "lost"}
    assert person["elections"][1]["election"] == "union-2026"
    assert person["elections"][1]["outcome"] == "pending"
    assert person["elections"][1]["votes"] is None


def _runoff_election(web: Web) -> None:
    """union-2025 by the two-round rule: nobody passes half, a runoff opens, N reports in it."""
    ctx = ids.ctx(web.uow_factory, "seed")  # type: ignore[arg-type]
    text = (DATA / "union-2024.toml").read_text("utf-8").replace(
        'slug = "union-2024"', f'slug = "{RUNOFF}"').replace(
        'method = "plurality"', 'method = "two-round"').replace(
        "2024 Example", "2025 Example").replace("seed = 7", "seed = 7\nthreshold = 50")
    factory = web.uow_factory
    elections.create_election(factory, text, "union-2025.toml", ctx)  # type: ignore[arg-type]
    elections.freeze_roll(factory, RUNOFF, ctx)  # type: ignore[arg-type]
    open_voting(factory, RUNOFF)  # type: ignore[arg-type]
    first = (DATA / "tally-2024.csv").read_bytes() + b"E,6,5,1,3,0,0,1\n"
    tallies.import_tallies(factory, RUNOFF, first, "t.csv", ctx)  # type: ignore[arg-type]
    runoff = b"precinct,registered,ballots_cast,adler,baptiste,blank,invalid\nN,10,9,5,4,0,0\n"
    tallies.import_tallies(factory, RUNOFF, runoff, "r.csv", ctx,  # type: ignore[arg-type]
                           poll="runoff")


def test_round_by_round_with_flow_chart(web: Web) -> None:
    _runoff_election(web)
    html = web.client.get(f"/elections/{RUNOFF}").text
    assert "Round by round" in html
    assert 'class="flow-chart" role="img"' in html
    assert "Round 1: initial" in html and "Round 2: runoff" in html
    assert "a runoff between Jean Baptiste / Ruth Adler" in html
    assert "Runoff" in html  # the polls table
    body = web.client.get(f"/api/elections/{RUNOFF}/results").json()
    assert [r["poll"] for r in body["polls"]] == ["initial", "runoff"]
    nist = web.client.get(f"/elections/{RUNOFF}/results.nist.json").json()
    counts = nist["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"]
    assert [c.get("OtherType", c["Type"]) for c in counts] == ["round-1", "round-2", "total"]


def test_json_download_is_the_api(web: Web, tmp_path: Path) -> None:
    data = web.client.get(f"/elections/{SLUG}/results.json").json()
    assert data == web.client.get(f"/api/elections/{SLUG}/results").json()
    assert json.loads(json.dumps(data))["version"] == 1


def test_cached_page_follows_changes(web: Web) -> None:
    """The anonymous page is cached until the next change, whoever makes it: a change made
    outside this process (here: the service called directly, as the CLI does) shows once the
    stamp is re-read (WebConfig.change_check_seconds)."""
    before = web.client.get(f"/elections/{SLUG}").text
    assert web.client.get(f"/elections/{SLUG}").text == before
    clerk = ids.ctx(web.uow_factory, "clerk")  # type: ignore[arg-type]
    tallies.enter_tally(web.uow_factory, SLUG, _sheet(), clerk)  # type: ignore[arg-type]
    deadline = time.monotonic() + 30  # the watcher thread notices within its interval
    after = before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.05)
        after = web.client.get(f"/elections/{SLUG}").text
    assert "Precincts reporting: 3 of 3" in after and after != before


def _sheet() -> object:
    from hustings.domain.polling import TallySheet

    return TallySheet("initial", "E", 6, 5, {"adler": 1, "baptiste": 3, "chen": 0}, 0, 1)


def test_lifecycle_service_is_what_the_api_calls(web: Web) -> None:
    """Advancing by API is the lifecycle service's rule check (409 with its message)."""
    token = web.sign_in("administrator")
    r = web.client.post(f"/api/elections/{SLUG}/status", json={"status": "certified"},
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and r.json()["error"]["code"] == "rule_violation"
    assert "have not reported" in r.json()["error"]["message"]
