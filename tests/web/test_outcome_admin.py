"""Disputes, rulings (re-votes) and lifecycle steps: the admin forms and their API."""

from __future__ import annotations

import re

from tests.web.conftest import Web
from tests.web.seed import SLUG


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _admin_form(web: Web, path: str) -> str:
    web.sign_in("administrator")
    page = web.client.get(path)
    assert page.status_code == 200
    return _token(page.text)


def test_file_dispute_form_keeps_input_and_places_errors(web: Web) -> None:
    path = f"/admin/elections/{SLUG}/disputes"
    token = _admin_form(web, path)
    r = web.client.post(path, data={"csrf_token": token, "poll": "initial", "precincts": ["N"],
                                    "complaint": "   "})
    assert r.status_code == 422
    assert 'id="complaint-error"' in r.text and "the complaint is empty" in r.text
    assert 'value="N" checked' in r.text  # the user's choice is kept
    r = web.client.post(path, data={"csrf_token": token, "poll": "nope",
                                    "complaint": "Ballot box left open."})
    assert r.status_code == 422 and "Ballot box left open." in r.text
    assert "There is a problem" in r.text


def test_dispute_ruling_revote_story_through_the_forms(web: Web) -> None:
    path = f"/admin/elections/{SLUG}/disputes"
    token = _admin_form(web, path)
    r = web.client.post(path, data={"csrf_token": token, "poll": "initial", "precincts": ["N"],
                                    "complaint": "The North depot box was left open."},
                        files={"evidence": ("photo notes.txt", b"seen at 14:02\n")},
                        follow_redirects=False)
    assert r.status_code == 303, r.text
    page = web.client.get(path).text
    assert "Dispute 1 filed." in page and "Rule on dispute 1" in page
    ruling = f"/admin/elections/{SLUG}/disputes/1/ruling"
    form = web.client.get(ruling).text
    assert 'value="N" checked' in form  # the dispute's precincts by default
    bad = web.client.post(ruling, data={"csrf_token": token, "decision": "void-and-revote",
                                        "precincts": ["N"], "reasons": "Established.",
                                        "revote_day": "10 May"})
    assert bad.status_code == 422 and 'id="revote_day-error"' in bad.text
    assert "Established." in bad.text and 'value="void-and-revote" checked' in bad.text
    missing = web.client.post(ruling, data={"csrf_token": token, "decision": "void-and-revote",
                                            "reasons": "Established."})
    assert missing.status_code == 422 and "needs its date" in missing.text
    ok = web.client.post(ruling, data={"csrf_token": token, "decision": "void-and-revote",
                                       "precincts": ["N"], "reasons": "Established.",
                                       "revote_day": "2024-05-01", "on": "2024-04-20"},
                         follow_redirects=False)
    assert ok.status_code == 303, ok.text
    again = web.client.post(ruling, data={"csrf_token": token, "decision": "dismiss",
                                          "reasons": "No."})
    assert again.status_code == 409 and "ruled on already" in again.text
    public = web.client.get(f"/elections/{SLUG}").text
    assert "Dispute 1" in public and "precincts voided, re-vote ordered" in public
    assert "photo_notes.txt" in public and "Re-vote of <bdi>initial</bdi>" in public
    assert "ruling on dispute 1 applied: void-and-revote in N" in public
    disputes = web.client.get(f"/api/elections/{SLUG}/disputes").json()
    assert disputes[0]["ruling"]["revote_poll"] == "revote-1"
    assert disputes[0]["evidence"][0]["name"] == "photo_notes.txt"
    polls = web.client.get(f"/api/elections/{SLUG}").json()["polls"]
    assert [p["key"] for p in polls] == ["initial", "revote-1"]
    # the re-vote's sheet, through the form of that poll
    enter = f"/admin/elections/{SLUG}/tally/enter"
    form = web.client.get(f"{enter}?poll=revote-1").text
    assert '<input type="hidden" name="poll" value="revote-1">' in form
    assert 'value="S"' not in form  # only the re-voted precinct
    sheet = {"csrf_token": token, "poll": "revote-1", "precinct": "N", "registered": "10",
             "ballots_cast": "8", "votes_adler": "2", "votes_baptiste": "4", "votes_chen": "1",
             "blank": "1", "invalid": "0"}
    r = web.client.post(enter, data=sheet, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{enter}?poll=revote-1"
    versions = web.client.get(f"/api/elections/{SLUG}/versions").json()
    assert versions[-1]["reason"] == "re-vote counted (revote-1): N"
    assert web.client.get(f"{enter}?poll=nope").status_code == 404


def test_status_form_refuses_with_the_rule_and_takes_steps(web: Web) -> None:
    path = f"/admin/elections/{SLUG}/status"
    token = _admin_form(web, path)
    page = web.client.get(path).text
    assert 'name="status" value="provisional"' in page
    r = web.client.post(path, data={"csrf_token": token, "status": "provisional"})
    assert r.status_code == 409 and "1 precinct(s) have not reported" in r.text
    r = web.client.post(path, data={"csrf_token": token, "status": "", "on": "soon"})
    assert r.status_code == 422
    assert 'id="status-error"' in r.text and 'id="on-error"' in r.text and 'value="soon"' in r.text


def test_dispute_and_ruling_api(web: Web) -> None:
    token = web.sign_in("administrator")
    headers = {"X-CSRF-Token": token}
    r = web.client.post(f"/api/elections/{SLUG}/disputes", headers=headers,
                        json={"poll": "initial", "precincts": ["S"], "complaint": "Recount S."})
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1 and r.json()["ruling"] is None
    r = web.client.post(f"/api/elections/{SLUG}/disputes", headers=headers,
                        data={"poll": "initial", "complaint": "With evidence."},
                        files=[("evidence", ("a.txt", b"A")), ("evidence", ("b.txt", b"B"))])
    assert r.status_code == 201, r.text
    assert [e["name"] for e in r.json()["evidence"]] == ["a.txt", "b.txt"]
    bad = web.client.post(f"/api/elections/{SLUG}/disputes", headers=headers,
                          json={"complaint": ""})
    assert bad.status_code == 422
    assert bad.json()["error"]["problems"][0]["field"] == "complaint"
    unknown = web.client.post(f"/api/elections/{SLUG}/disputes", headers=headers,
                              json={"precincts": ["Z"], "complaint": "x"})
    assert unknown.status_code == 422 and "'Z'" in unknown.text
    wrong = web.client.post(f"/api/elections/{SLUG}/disputes/1/ruling", headers=headers,
                            json={"decision": "maybe", "reasons": "x"})
    assert wrong.status_code == 422 and wrong.json()["error"]["problems"][0]["field"] == \
        "decision"
    r = web.client.post(f"/api/elections/{SLUG}/disputes/1/ruling", headers=headers,
                        json={"decision": "recount", "reasons": "Numbers do not add up."})
    assert r.status_code == 201 and r.json()["decision"] == "recount"
    assert r.json()["precincts"] == ["S"]
    assert web.client.post(f"/api/elections/{SLUG}/disputes/7/ruling", headers=headers,
                           json={"decision": "dismiss", "reasons": "x"}).status_code == 404
    result = web.client.get(f"/api/elections/{SLUG}/results").json()
    assert result["precincts"]["reporting"] == 1  # S voided for the recount
    assert web.client.get("/api/elections/nope/disputes").status_code == 404
