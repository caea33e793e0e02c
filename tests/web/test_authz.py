"""Authorisation matrix: every administrative route and API call x every role and anonymous."""

from __future__ import annotations

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
    (f"/admin/elections/{SLUG}/tally/enter", TALLY),
    (f"/admin/elections/{SLUG}/disputes", ADMIN),
    (f"/admin/elections/{SLUG}/disputes/1/ruling", ADMIN),
    (f"/admin/elections/{SLUG}/status", ADMIN),
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
    for path, allowed in FORM_POSTS:
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
