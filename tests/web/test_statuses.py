"""Honest statuses: the web and the API say what the tally service said about a sheet
(awaiting a second entry, mismatch, accepted), and an empty roll is never "frozen"."""

from __future__ import annotations

import re

from tests.web.conftest import Web
from tests.web.seed import DATA, DOUBLE, SLUG, seed_double_entry

SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 4,
         "votes": {"adler": 1, "baptiste": 1, "chen": 1}, "blank": 1, "invalid": 0}


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _enter(web: Web, token: str, sheet: dict[str, object]) -> dict[str, object]:
    r = web.client.post(f"/api/elections/{DOUBLE}/tally-sheets", json=sheet,
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


def test_api_says_awaiting_then_mismatch_then_accepted(web: Web) -> None:
    seed_double_entry(web.uow_factory)  # type: ignore[arg-type]
    token = web.sign_in("clerk")
    assert _enter(web, token, SHEET) == {"poll": "initial", "precinct": "E",
                                         "status": "awaiting second entry"}
    results = web.client.get(f"/api/elections/{DOUBLE}/results").json()
    assert results["precincts"]["reporting"] == 0  # not counted on one entry

    token = web.sign_in("administrator")
    wrong = {**SHEET, "votes": {"adler": 2, "baptiste": 0, "chen": 1}}
    assert _enter(web, token, wrong)["status"] == "mismatch"
    results = web.client.get(f"/api/elections/{DOUBLE}/results").json()
    assert results["precincts"]["reporting"] == 0


def test_api_accepts_when_two_clerks_agree(web: Web) -> None:
    seed_double_entry(web.uow_factory)  # type: ignore[arg-type]
    assert _enter(web, web.sign_in("clerk"), SHEET)["status"] == "awaiting second entry"
    assert _enter(web, web.sign_in("administrator"), SHEET)["status"] == "accepted"
    results = web.client.get(f"/api/elections/{DOUBLE}/results").json()
    assert results["precincts"]["reporting"] == 1


def test_import_reports_stored_and_standing(web: Web) -> None:
    seed_double_entry(web.uow_factory)  # type: ignore[arg-type]
    token = web.sign_in("clerk")
    r = web.client.post(f"/api/elections/{DOUBLE}/tally-sheets/import",
                        files={"file": ("t.csv", (DATA / "tally-2024.csv").read_bytes())},
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    assert r.json() == {"stored": 2, "accepted": 0, "awaiting": 2, "mismatch": 0}


def test_form_says_awaiting_second_entry(web: Web) -> None:
    seed_double_entry(web.uow_factory)  # type: ignore[arg-type]
    web.sign_in("clerk")
    url = f"/admin/elections/{DOUBLE}/tally/enter"
    form = {"csrf_token": _token(web.client.get(url).text), "precinct": "E",
            "registered": "6", "ballots_cast": "4", "votes_adler": "1", "votes_baptiste": "1",
            "votes_chen": "1", "blank": "1", "invalid": "0"}
    r = web.client.post(url, data=form, follow_redirects=False)
    assert r.status_code == 303
    page = web.client.get(r.headers["location"]).text
    assert "it is awaiting a second clerk&#39;s entry" in page
    assert "accepted" not in page.split("<main", 1)[1].split("</form>", 1)[0].lower()


def test_empty_roll_is_refused_and_not_frozen(web: Web) -> None:
    text = (DATA / f"{SLUG}.toml").read_text("utf-8").replace(
        'slug = "union-2024"', 'slug = "empty-2024"').replace(
        'slug = "members"', 'slug = "nobody"')
    token = web.sign_in("administrator")
    headers = {"X-CSRF-Token": token}
    r = web.client.post("/api/elections", content=text.encode(),
                        headers={**headers, "Content-Type": "application/toml"})
    assert r.status_code == 201, r.text
    r = web.client.post("/api/elections/empty-2024/roll/freeze", headers=headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "rule_violation"
    assert "no member of 'nobody' is eligible" in r.json()["error"]["message"]
    detail = web.client.get("/api/elections/empty-2024").json()
    assert not detail["roll_frozen"]
    r = web.client.post("/api/elections/empty-2024/roll/freeze", headers=headers)
    assert r.status_code == 409 and "frozen already" not in r.text  # still not frozen
