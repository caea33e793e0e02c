"""Authorisation matrix: every administrative route and API call x every role and anonymous."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import Web
from tests.web.seed import SLUG, UPCOMING

ADMIN = ("administrator",)
TALLY = ("administrator", "clerk")
SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 4,
         "votes": {"adler": 1, "baptiste": 1, "chen": 1}, "blank": 1, "invalid": 0}

# (method, path, roles allowed to change, how the request is sent)
API_CALLS = [
    ("POST", "/api/elections", ADMIN, "upload"),
    ("POST", "/api/bodies/members/members", ADMIN, "upload"),
    ("POST", f"/api/elections/{SLUG}/precincts", ADMIN, "upload"),
    ("POST", f"/api/elections/{UPCOMING}/roll/freeze", ADMIN, "none"),
    ("POST", f"/api/elections/{SLUG}/tally-sheets", TALLY, "json"),
    ("POST", f"/api/elections/{SLUG}/tally-sheets/import", TALLY, "upload"),
    ("POST", f"/api/elections/{SLUG}/ballots/import", TALLY, "upload"),
    ("POST", f"/api/elections/{SLUG}/disputes", ADMIN, "dispute"),
    ("POST", f"/api/elections/{SLUG}/disputes/1/ruling", ADMIN, "ruling"),
    ("POST", f"/api/elections/{SLUG}/status", ADMIN, "status"),
]
BODIES = {"json": SHEET, "dispute": {"poll": "initial", "precincts": ["N"], "complaint": "x"},
          "ruling": {"decision": "dismiss", "reasons": "No case."},
          "status": {"status": "provisional"}}
FORM_POSTS = [
    ("/admin/elections-new", ADMIN),
    ("/admin/members", ADMIN),
    (f"/admin/elections/{SLUG}/precincts", ADMIN),
    (f"/admin/elections/{UPCOMING}/roll", ADMIN),
    (f"/admin/elections/{SLUG}/tally/import", TALLY),
    (f"/admin/elections/{SLUG}/ballots/import", TALLY),
    (f"/admin/elections/{SLUG}/tally/enter", TALLY),
    (f"/admin/elections/{SLUG}/disputes", ADMIN),
    (f"/admin/elections/{SLUG}/disputes/1/ruling", ADMIN),
    (f"/admin/elections/{SLUG}/status", ADMIN),
    ("/account/totp", ("administrator", "clerk", "observer")),  # one's own second factor
]
# buttons on a page of their own (the accounts page, which only administrators may read)
FORM_ACTIONS = [
    ("/admin/users/observer/totp-reset", ADMIN),
    ("/admin/users/observer/disable", ADMIN),
]
ADMIN_PAGES = [("/admin", None), (f"/admin/elections/{SLUG}", None)] + [
    (path, allowed) for path, allowed in FORM_POSTS]
WHO = ["administrator", "clerk", "observer", None]


def _dispute(web: Web) -> None:
    """Dispute 1 on union-2024, so that its ruling routes exist for every role."""
    import tests.identities as ids
    from hustings.services.disputes import file_dispute

    file_dispute(web.uow_factory, SLUG, "initial", ["N"], "A complaint.",  # type: ignore[arg-type]
                 ids.ctx(web.uow_factory, "seed"))  # type: ignore[arg-type]


def _expected(role: str | None, allowed: tuple[str, ...]) -> set[int]:
    if role is None:
        return {401}
    if role in allowed:
        return {200, 201, 303, 409, 422}  # let through: done, or refused by the rules/input
    return {403}


@pytest.mark.parametrize("role", WHO, ids=lambda r: r or "anonymous")
def test_api_matrix(web: Web, role: str | None) -> None:
    token = web.sign_in(role) if role else web.csrf()
    wrong = []
    for method, path, allowed, how in API_CALLS:
        headers = {"X-CSRF-Token": token}
        if how == "upload":
            r = web.client.request(method, path, headers=headers,
                                   files={"file": ("x.csv", b"nonsense\n")})
        elif how in BODIES:
            r = web.client.request(method, path, headers=headers, json=BODIES[how])
        else:
            r = web.client.request(method, path, headers=headers)
        if r.status_code not in _expected(role, allowed):
            wrong.append((path, r.status_code, r.text[:200]))
        if r.status_code in (401, 403):
            assert r.json()["error"]["code"] in ("unauthenticated", "forbidden")
    assert not wrong


@pytest.mark.parametrize("role", WHO, ids=lambda r: r or "anonymous")
def test_form_matrix(web: Web, role: str | None) -> None:
    _dispute(web)
    token = web.sign_in(role) if role else web.csrf()
    wrong = []
    for path, allowed in FORM_POSTS + FORM_ACTIONS:
        r = web.client.post(path, data={"csrf_token": token},
                            files={"file": ("x.csv", b"nonsense\n")}, follow_redirects=False)
        if r.status_code not in _expected(role, allowed):
            wrong.append((path, r.status_code))
    assert not wrong


@pytest.mark.parametrize("role", WHO, ids=lambda r: r or "anonymous")
def test_admin_pages_matrix(web: Web, role: str | None) -> None:
    _dispute(web)
    if role:
        web.sign_in(role)
    for path, allowed in ADMIN_PAGES:
        r = web.client.get(path, follow_redirects=False)
        if role is None:
            assert r.status_code == 303, path
            assert r.headers["location"].startswith("/signin?next=")
            continue
        assert r.status_code == 200, path
        readonly = "can see this page but not change anything" in r.text
        assert readonly == (allowed is not None and role not in allowed), path
        assert ("<fieldset disabled>" in r.text) == readonly, path


# --- the doors in order: authentication, role, CSRF, then the input ------------------------

INVALID_BODIES = [
    ("malformed json", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("wrong json", {"json": {"precinct": 7, "votes": "many", "decision": "x", "status": 3}}),
    ("empty", {}),
    ("garbage form", {"data": {"registered": "ten", "precinct": ""},
                      "files": {"file": ("x.csv", b"\x00\xff not csv")}}),
    ("text", {"content": "ünïcode ☃".encode(), "headers": {"content-type": "text/plain"}}),
]
STATE_CHANGING = [(m, p, allowed) for m, p, allowed, _how in API_CALLS] + [
    ("POST", path, allowed) for path, allowed in FORM_POSTS + FORM_ACTIONS]
OPEN_TO_ANYONE = {("POST", "/signin"), ("POST", "/signin/code"), ("POST", "/signout"),
                  ("POST", "/api/session"),
                  ("DELETE", "/api/session"),
                  # a ballot authenticates itself (its credential's signature)
                  ("POST", "/api/elections/{}/online/ballots")}


def test_the_matrix_names_every_state_changing_route(web: Web) -> None:
    """Every route that changes data is in the matrix below (a new one must be added)."""
    import re

    routes = set()
    for method, path in _routes(web.client.app.routes):  # type: ignore[attr-defined]
        if method not in ("GET", "HEAD", "OPTIONS"):
            routes.add((method, re.sub(r"\{[^}]+\}", "{}", path)))
    # the walk reaches into included routers (FastAPI keeps them as nested route objects)
    assert ("POST", "/api/elections/{}/tally-sheets") in routes
    uncovered = {(method, template) for method, template in routes - OPEN_TO_ANYONE
                 if not any(m == method and re.fullmatch(template.replace("{}", "[^/]+"), p)
                            for m, p, _ in STATE_CHANGING)}
    assert uncovered == set()


def _routes(routes: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, through included routers however deeply nested."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from _routes(included.routes, prefix + getattr(context, "prefix", ""))
        for method in getattr(route, "methods", ()) or ():
            yield method, prefix + route.path


def _wrong_roles(allowed: tuple[str, ...]) -> list[str]:
    return [r for r in ("clerk", "observer") if r not in allowed]


@pytest.mark.parametrize("label,body", INVALID_BODIES, ids=[b[0] for b in INVALID_BODIES])
def test_invalid_bodies_meet_the_doors_first(web: Web, label: str, body: dict) -> None:
    """401 for anonymous and 403 for the wrong role on every state-changing route, whatever
    the body and with or without a CSRF token: the input is looked at last."""
    _dispute(web)
    wrong = []
    for with_token in (True, False):
        web.client.cookies.clear()
        token = web.csrf()
        for method, path, _allowed in STATE_CHANGING:
            headers = dict(body.get("headers", {}), **({"X-CSRF-Token": token}
                                                       if with_token else {}))
            r = web.client.request(method, path, follow_redirects=False,
                                   **{**body, "headers": headers})
            if r.status_code != 401:
                wrong.append(("anonymous", with_token, path, r.status_code))
    for role in ("clerk", "observer"):
        for with_token in (True, False):
            web.client.cookies.clear()
            token = web.sign_in(role)
            for method, path, allowed in STATE_CHANGING:
                if role not in _wrong_roles(allowed):
                    continue
                headers = dict(body.get("headers", {}), **({"X-CSRF-Token": token}
                                                           if with_token else {}))
                r = web.client.request(method, path, follow_redirects=False,
                                       **{**body, "headers": headers})
                # 403 for the role, not for the missing token: the role is checked first
                role_refusal = r.status_code == 403 and "missing its CSRF token" not in r.text
                if not role_refusal:
                    wrong.append((role, with_token, path, r.status_code, r.text[:120]))
    assert not wrong


def test_csrf_is_checked_before_the_input(web: Web) -> None:
    """A permitted role without the token gets 403 csrf_failed, even with a broken body."""
    _dispute(web)
    web.sign_in("administrator")
    for method, path, _allowed in STATE_CHANGING:
        r = web.client.request(method, path, content=b"{not json", follow_redirects=False,
                               headers={"content-type": "application/json"})
        assert r.status_code == 403, (path, r.status_code, r.text[:200])
        if path.startswith("/api/"):
            assert r.json()["error"]["code"] == "csrf_failed", path
