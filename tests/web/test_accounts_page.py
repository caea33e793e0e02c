"""The accounts page: administrators (only) see every account and can reset another's second
factor or disable an account — the same logged, signed commands as the CLI's."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import tests.identities as ids
from hustings.services import totp
from hustings.services.commands import as_user
from tests.web.conftest import Web


def _entries(web: Web) -> list[tuple[str, str]]:
    with web.uow_factory() as uow:  # type: ignore[operator]
        return [(e.command, e.actor) for e in uow.audit.entries()]


def _second_admin(web: Web) -> str:
    other = ids.signer(web.uow_factory, "admin-b", "administrator")  # type: ignore[arg-type]
    totp.enrol(web.uow_factory, as_user(other))  # type: ignore[arg-type]
    return "admin-b"


def test_only_administrators_see_the_accounts(web: Web) -> None:
    r = web.client.get("/admin/users", follow_redirects=False)
    assert r.status_code in (303, 401)  # anonymous: sign in first
    web.sign_in("clerk")
    assert web.client.get("/admin/users").status_code == 403
    assert "/admin/users" not in web.client.get("/admin").text
    web.client.delete("/api/session", headers={"X-CSRF-Token": web.csrf()})
    web.sign_in("administrator")
    page = web.client.get("/admin/users")
    assert page.status_code == 200
    for name in ("administrator", "clerk", "observer"):
        assert f"<bdi>{name}</bdi>" in page.text
    assert 'href="/admin/users"' in web.client.get("/admin").text


def test_reset_another_administrators_second_factor(web: Web) -> None:
    other = _second_admin(web)
    assert totp.enrolled(web.uow_factory, other)  # type: ignore[arg-type]
    csrf = web.sign_in("administrator")
    page = web.client.get("/admin/users").text
    assert f'action="/admin/users/{other}/totp-reset"' in page
    assert 'action="/admin/users/administrator/totp-reset"' not in page  # never one's own

    # their open session ends with the reset
    with TestClient(web.client.app) as theirs:
        assert theirs.post("/api/session", json={"username": other, "password": ids.PASSWORD,
                                                 "code": _code(web, other)}).status_code == 200
        r = web.client.post(f"/admin/users/{other}/totp-reset", data={"csrf_token": csrf},
                            follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/admin/users"
        assert theirs.get("/api/session").json()["username"] is None
    assert not totp.enrolled(web.uow_factory, other)  # type: ignore[arg-type]
    assert _entries(web)[-1] == ("user.totp.reset", "administrator")
    assert "Reset the second factor of admin-b" in web.client.get("/admin/users").text


def test_refusals_change_nothing(web: Web) -> None:
    other = _second_admin(web)
    before = _entries(web)
    csrf = web.sign_in("administrator")
    r = web.client.post("/admin/users/administrator/disable", data={"csrf_token": csrf})
    assert r.status_code == 409 and "cannot disable yourself" in r.text
    r = web.client.post("/admin/users/nobody/totp-reset", data={"csrf_token": csrf})
    assert r.status_code == 404 and "no user" in r.text
    r = web.client.post(f"/admin/users/{other}/totp-reset", data={"csrf_token": "forged"})
    assert r.status_code == 403
    web.client.delete("/api/session", headers={"X-CSRF-Token": csrf})
    clerk_csrf = web.sign_in("clerk")
    r = web.client.post(f"/admin/users/{other}/totp-reset", data={"csrf_token": clerk_csrf})
    assert r.status_code == 403
    assert _entries(web) == before
    assert totp.enrolled(web.uow_factory, other)  # type: ignore[arg-type]


def test_disable_ends_their_sessions(web: Web) -> None:
    csrf = web.sign_in("administrator")
    with TestClient(web.client.app) as clerk:
        assert clerk.post("/api/session", json={"username": "clerk",
                                                "password": ids.PASSWORD}).status_code == 200
        r = web.client.post("/admin/users/clerk/disable", data={"csrf_token": csrf},
                            follow_redirects=False)
        assert r.status_code == 303
        assert clerk.get("/api/session").json()["username"] is None
        assert clerk.post("/api/session", json={"username": "clerk",
                                                "password": ids.PASSWORD}).status_code == 401
    assert _entries(web)[-1] == ("user.disable", "administrator")
    assert re.search(r"<bdi>clerk</bdi></th>\s*<td>[^<]*</td>\s*<td>disabled</td>",
                     web.client.get("/admin/users").text)


def _code(web: Web, name: str) -> str:
    with web.uow_factory() as uow:  # type: ignore[operator]
        user = uow.users.get(name)
    assert user is not None
    signer = ids.signer(web.uow_factory, name)  # type: ignore[arg-type]
    return totp.code_at(totp.open_secret(signer, user.totp), totp.current_step())
