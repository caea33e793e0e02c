"""The JSON API: reads, administration, the error shape, CSRF and sign-in limits."""

from __future__ import annotations

from typing import Any

from hustings.services import results
from tests.web.conftest import Web
from tests.web.seed import DATA, PASSWORD, SLUG, UPCOMING

SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 4,
         "votes": {"adler": 1, "baptiste": 2, "chen": 0}, "blank": 1, "invalid": 0}


def _error(body: dict[str, Any], code: str) -> list[dict[str, Any]]:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "problems"}
    assert body["error"]["code"] == code
    for p in body["error"]["problems"]:
        assert set(p) == {"source", "line", "field", "message"}
    return list(body["error"]["problems"])


def test_list_and_detail(web: Web) -> None:
    listed = web.client.get("/api/elections").json()
    assert [e["slug"] for e in listed] == [SLUG, UPCOMING]
    detail = web.client.get(f"/api/elections/{SLUG}").json()
    assert [c["key"] for c in detail["candidates"]] == ["adler", "baptiste", "chen"]
    assert detail["roll_frozen"] is True and detail["roll_size"] == 24
    assert {p["code"]: p["registered"] for p in detail["precincts"]} == {"N": 10, "S": 8, "E": 6}


def test_results_are_the_cli_json(web: Web) -> None:
    body = web.client.get(f"/api/elections/{SLUG}/results").json()
    assert body == results.published_result(web.uow_factory, SLUG)  # type: ignore[arg-type]
    assert body["precincts"] == {"reporting": 2, "total": 3}
    assert body["candidates"][0] == {"name": "Ruth Adler", "votes": 6, "percentage": "46.15"}
    assert body["winner"] == "Ruth Adler" and body["turnout"] == "58.3"


def test_unknown_things_are_404_in_the_error_shape(web: Web) -> None:
    _error(web.client.get("/api/elections/nope").json(), "not_found")
    _error(web.client.get("/api/elections/nope/results").json(), "not_found")
    _error(web.client.get("/api/no-such-route").json(), "not_found")
    r = web.client.put("/api/elections")
    assert r.status_code == 405
    _error(r.json(), "method_not_allowed")


def test_create_election_from_raw_toml_then_conflict(fresh: Web) -> None:
    from hustings.services.users import init_admin

    init_admin(fresh.uow_factory, "admin", PASSWORD)  # type: ignore[arg-type]
    r = fresh.client.post("/api/session", json={"username": "admin", "password": PASSWORD})
    token = r.json()["csrf_token"]
    text = (DATA / "union-2024.toml").read_bytes()
    headers = {"X-CSRF-Token": token, "Content-Type": "application/toml"}
    r = fresh.client.post("/api/elections?source=union.toml", content=text, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["slug"] == SLUG and r.json()["roll_frozen"] is False
    again = fresh.client.post("/api/elections", files={"file": ("u.toml", text)},
                              headers={"X-CSRF-Token": token})
    assert again.status_code == 409
    _error(again.json(), "already_exists")


def test_bad_toml_names_the_key_and_changes_nothing(web: Web) -> None:
    token = web.sign_in("administrator")
    bad = (DATA / "union-2024.toml").read_text().replace('slug = "union-2024"', 'slug = "U 24"')
    r = web.client.post("/api/elections", files={"file": ("bad.toml", bad.encode())},
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    problems = _error(r.json(), "invalid_input")
    assert problems and problems[0]["source"] == "bad.toml"
    assert problems[0]["field"] == "election.slug"
    assert len(web.client.get("/api/elections").json()) == 2


def test_enter_sheet_as_clerk(web: Web) -> None:
    token = web.sign_in("clerk")
    r = web.client.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    assert r.json() == {"poll": "initial", "precinct": "E", "status": "accepted"}
    body = web.client.get(f"/api/elections/{SLUG}/results").json()
    assert body["precincts"] == {"reporting": 3, "total": 3}
    assert body["status"] == "provisional"


def test_malformed_sheet_is_422_with_fields_and_nothing_changes(web: Web) -> None:
    token = web.sign_in("clerk")
    before = web.client.get(f"/api/elections/{SLUG}/results").json()
    url, headers = f"/api/elections/{SLUG}/tally-sheets", {"X-CSRF-Token": token}
    r = web.client.post(url, json={**SHEET, "registered": "many"}, headers=headers)
    assert r.status_code == 422
    assert [p["field"] for p in _error(r.json(), "invalid_input")] == ["registered"]
    r = web.client.post(url, json={**SHEET, "ballots_cast": 5}, headers=headers)
    assert r.status_code == 422
    assert "ballots_cast" in [p["field"] for p in _error(r.json(), "invalid_input")]
    r = web.client.post(url, json={**SHEET, "registered": 7}, headers=headers)
    assert r.status_code == 422
    assert [p["field"] for p in _error(r.json(), "invalid_input")] == ["registered"]
    r = web.client.post(url, content=b"{not json", headers={**headers,
                                                            "Content-Type": "application/json"})
    assert r.status_code == 422
    _error(r.json(), "invalid_input")
    assert web.client.get(f"/api/elections/{SLUG}/results").json() == before


def test_bad_tally_csv_is_located_and_atomic(web: Web) -> None:
    token = web.sign_in("clerk")
    before = web.client.get(f"/api/elections/{SLUG}/results").json()
    csv = b"precinct,registered,ballots_cast,adler,baptiste,chen,blank,invalid\nE,6,9,1,1,1,0,0\n"
    r = web.client.post(f"/api/elections/{SLUG}/tally-sheets/import",
                        files={"file": ("east.csv", csv)}, headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    problems = _error(r.json(), "invalid_input")
    assert {(p["source"], p["line"]) for p in problems} == {("east.csv", 2)}
    assert web.client.get(f"/api/elections/{SLUG}/results").json() == before


def test_rules_and_unknown_bodies(web: Web) -> None:
    token = web.sign_in("administrator")
    headers = {"X-CSRF-Token": token}
    r = web.client.post(f"/api/elections/{SLUG}/roll/freeze", headers=headers)
    assert r.status_code == 409
    _error(r.json(), "rule_violation")
    r = web.client.post("/api/bodies/nobody/members", headers=headers,
                        files={"file": ("m.csv", (DATA / "members.csv").read_bytes())})
    assert r.status_code == 404
    r = web.client.post(f"/api/elections/{UPCOMING}/roll/freeze", headers=headers)
    assert r.status_code == 200
    assert r.json() == {"election": UPCOMING, "size": 24,
                        "by_precinct": {"E": 6, "N": 10, "S": 8}}


def test_missing_upload_is_422_naming_the_field(web: Web) -> None:
    token = web.sign_in("administrator")
    r = web.client.post(f"/api/elections/{SLUG}/precincts", headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    assert [p["field"] for p in _error(r.json(), "invalid_input")] == ["file"]


def test_csrf_is_required_for_changes(web: Web) -> None:
    token = web.sign_in("administrator")
    url = f"/api/elections/{UPCOMING}/roll/freeze"
    r = web.client.post(url)
    assert r.status_code == 403
    _error(r.json(), "csrf_failed")
    r = web.client.post(url, headers={"X-CSRF-Token": token[:-2] + "xx"})
    assert r.status_code == 403
    assert web.client.get(f"/api/elections/{UPCOMING}").json()["roll_frozen"] is False
    assert web.client.delete("/api/session").status_code == 403
    assert web.client.delete("/api/session", headers={"X-CSRF-Token": token}).status_code == 204
    assert web.client.get("/api/session").json()["username"] is None


def test_sign_in_errors_and_rate_limit(web: Web) -> None:
    bad = {"username": "clerk", "password": "wrong password!"}
    for _ in range(5):
        r = web.client.post("/api/session", json=bad)
        assert r.status_code == 401
        _error(r.json(), "unauthenticated")
    r = web.client.post("/api/session", json={"username": "clerk", "password": PASSWORD})
    assert r.status_code == 429
    _error(r.json(), "too_many_requests")
    # another username from the same address is not locked out
    assert web.client.post("/api/session", json={"username": "observer",
                                                 "password": PASSWORD}).status_code == 200


def test_sign_in_needs_json(web: Web) -> None:
    r = web.client.post("/api/session", data={"username": "clerk", "password": PASSWORD})
    assert r.status_code in (415, 422)
    assert "error" in r.json()


def test_openapi_and_local_docs(web: Web) -> None:
    spec = web.client.get("/api/openapi.json").json()
    assert "/api/elections/{slug}/results" in spec["paths"]
    assert "ErrorOut" in spec["components"]["schemas"]
    docs = web.client.get("/api/docs")
    assert docs.status_code == 200
    assert "POST /api/elections" in docs.text
    assert 'src="http' not in docs.text and 'href="http' not in docs.text
    assert "<script" not in docs.text


def test_api_docs_render_their_markdown(web: Web) -> None:
    """Descriptions are Markdown: `code` and paragraphs become HTML, never shown raw."""
    docs = web.client.get("/api/docs").text
    assert "<code>POST /api/session</code>" in docs  # from the API description
    assert "<code>X-CSRF-Token</code>" in docs
    assert "`POST /api/session`" not in docs and "`X-CSRF-Token`" not in docs
    assert "`accepted`" not in docs and "<code>accepted</code>" in docs  # a route's own


def test_markdown_in_docs_cannot_inject_html() -> None:
    from hustings.web.templating import markdown

    assert str(markdown("<script>alert(1)</script> `x`")) == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; <code>x</code></p>\n")
