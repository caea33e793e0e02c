"""Server-rendered pages: content, security headers, cookies, forms and their errors."""

from __future__ import annotations

import re

from tests.web.conftest import SECRET, Web, make_client
from tests.web.seed import PASSWORD, SLUG, UPCOMING


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


def test_home_lists_coming_and_past(web: Web) -> None:
    html = web.client.get("/").text
    assert "Example Workers&#39; Union" in html
    coming, past = html.split("Coming elections")[1].split("Past elections")
    assert UPCOMING in coming and SLUG not in coming
    assert SLUG in past


def test_election_page(web: Web) -> None:
    r = web.client.get(f"/elections/{SLUG}")
    assert r.status_code == 200
    html = r.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img"' in html
    assert "Ruth Adler (leading)" in html and "6 (46.15%)" in html
    assert "Precincts reporting: 2 of 3" in html
    assert "Union treasurer &amp; editor of the &lt;Bulletin&gt;." in html  # escaped
    assert 'class="sortable by-precinct"' in html and "North depot" in html
    assert "turnout 58.3%" in html
    for download in ("results.json", "results.csv", "precincts.csv"):
        assert f"/elections/{SLUG}/{download}" in html
    assert "<script>" not in html and " style=" not in html  # the CSP allows neither


def test_security_headers_everywhere(web: Web) -> None:
    for path in ("/", f"/elections/{SLUG}", "/api/elections", "/nope", "/static/css/site.css"):
        headers = web.client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


def test_downloads(web: Web) -> None:
    r = web.client.get(f"/elections/{SLUG}/results.csv")
    assert r.headers["content-disposition"] == f'attachment; filename="{SLUG}-results.csv"'
    assert r.text.splitlines()[1] == f"{SLUG},Ruth Adler,6,46.15"
    assert web.client.get(f"/elections/{SLUG}/results.json").json() == \
        web.client.get(f"/api/elections/{SLUG}/results").json()
    lines = web.client.get(f"/elections/{SLUG}/precincts.csv").text.splitlines()
    assert lines[0] == ("precinct,name,registered,ballots_cast,turnout,adler,baptiste,chen,"
                        "blank,invalid,poll,note")
    assert lines[1] == "N,North depot,10,8,80.0,4,2,1,1,0,initial,"


def test_live_panel_etag(web: Web) -> None:
    first = web.client.get(f"/elections/{SLUG}/live/panel")
    assert "East office" in first.text  # still to report
    again = web.client.get(f"/elections/{SLUG}/live/panel",
                           headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    page = web.client.get(f"/elections/{SLUG}/live").text
    assert 'id="live-panel"' in page and "/static/js/live.js?v=" in page


def test_unknown_election_page_is_404_html(web: Web) -> None:
    r = web.client.get("/elections/nope")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
    assert "Traceback" not in r.text


def test_sign_in_page_flow_and_cookie_flags(web: Web) -> None:
    page = web.client.get("/signin?next=/admin/elections/union-2024")
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    form = {"csrf_token": _token(page.text), "username": "clerk", "password": PASSWORD,
            "next": "/admin/elections/union-2024"}
    r = web.client.post("/signin", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/elections/union-2024"
    assert "Signed in as clerk." in web.client.get("/admin").text
    assert _token(page.text) != web.csrf()  # a fresh token after signing in


def test_sign_in_page_refuses_and_keeps_username(web: Web) -> None:
    page = web.client.get("/signin")
    r = web.client.post("/signin", data={"csrf_token": _token(page.text), "username": "clerk",
                                         "password": "nope nope nope"})
    assert r.status_code == 401
    assert "Wrong username or password." in r.text and 'value="clerk"' in r.text
    no_csrf = web.client.post("/signin", data={"username": "clerk", "password": PASSWORD})
    assert no_csrf.status_code == 403


def test_sign_in_page_rate_limit(web: Web) -> None:
    token = _token(web.client.get("/signin").text)
    for _ in range(5):
        web.client.post("/signin", data={"csrf_token": token, "username": "observer",
                                         "password": "wrong wrong wrong"})
    r = web.client.post("/signin", data={"csrf_token": token, "username": "observer",
                                         "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text


def test_open_redirects_are_refused(web: Web) -> None:
    token = _token(web.client.get("/signin").text)
    r = web.client.post("/signin", data={"csrf_token": token, "username": "clerk",
                                         "password": PASSWORD, "next": "//evil.example/"},
                        follow_redirects=False)
    assert r.headers["location"] == "/admin"


def test_secure_cookie_over_https(container: object, uow_factory: object) -> None:
    from tests.web.seed import seed

    seed(uow_factory)  # type: ignore[arg-type]
    with make_client(container) as client:
        client.base_url = client.base_url.copy_with(scheme="https")  # type: ignore[assignment]
        r = client.get("https://testserver/signin")
        assert "; Secure" in r.headers["set-cookie"]


def test_forged_cookie_is_anonymous(web: Web) -> None:
    web.sign_in("administrator")
    web.client.cookies.set("hustings_session", "forged.value.here")
    assert web.client.get("/api/session").json()["username"] is None
    assert SECRET not in web.client.get("/").text


def test_tally_form_keeps_values_and_shows_field_errors(web: Web) -> None:
    web.sign_in("clerk")
    url = f"/admin/elections/{SLUG}/tally/enter"
    token = _token(web.client.get(url).text)
    before = web.client.get(f"/api/elections/{SLUG}/results").json()
    form = {"csrf_token": token, "precinct": "E", "registered": "6", "ballots_cast": "five",
            "votes_adler": "1", "votes_baptiste": "2", "votes_chen": "0", "blank": "1",
            "invalid": "0"}
    r = web.client.post(url, data=form)
    assert r.status_code == 422
    assert 'id="ballots_cast-error"' in r.text and "&#39;five&#39; is not a whole number" in r.text
    assert 'value="five"' in r.text and 'aria-invalid="true"' in r.text
    r = web.client.post(url, data={**form, "ballots_cast": "5"})
    assert r.status_code == 422 and 'id="ballots_cast-error"' in r.text
    assert web.client.get(f"/api/elections/{SLUG}/results").json() == before
    r = web.client.post(url, data={**form, "ballots_cast": "4"}, follow_redirects=False)
    assert r.status_code == 303
    page = web.client.get(r.headers["location"]).text
    assert "The tally sheet of E is accepted." in page  # this election needs one entry
    after = web.client.get(f"/api/elections/{SLUG}/results").json()
    assert after["precincts"] == {"reporting": 3, "total": 3}


def test_upload_form_errors_are_shown(web: Web) -> None:
    web.sign_in("administrator")
    url = f"/admin/elections/{SLUG}/tally/import"
    token = _token(web.client.get(url).text)
    bad = b"precinct,registered,ballots_cast,adler,baptiste,chen,blank,invalid\nE,6,9,1,1,1,0,0\n"
    r = web.client.post(url, data={"csrf_token": token}, files={"file": ("east.csv", bad)})
    assert r.status_code == 422 and "There is a problem" in r.text and "east.csv:2" in r.text
    r = web.client.post(url, data={"csrf_token": token})
    assert r.status_code == 422 and 'id="file-error"' in r.text


def test_freeze_roll_form(web: Web) -> None:
    web.sign_in("administrator")
    url = f"/admin/elections/{UPCOMING}/roll"
    token = _token(web.client.get(url).text)
    r = web.client.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert "Roll frozen: 24 voters." in web.client.get(r.headers["location"]).text
    r = web.client.post(url, data={"csrf_token": token})
    assert r.status_code == 409 and "frozen already" in r.text


def test_every_form_field_has_a_label(web: Web) -> None:
    web.sign_in("administrator")
    for path in ("/admin/elections-new", "/admin/members", f"/admin/elections/{SLUG}/precincts",
                 f"/admin/elections/{SLUG}/tally/import", f"/admin/elections/{SLUG}/tally/enter"):
        html = web.client.get(path).text
        ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
        assert ids, path
        for field_id in ids:
            assert f'<label for="{field_id}">' in html, (path, field_id)
