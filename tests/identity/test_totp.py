"""The second factor (TOTP): enrolled once, sealed, asked at every sign-in, a code used once,
turned off only by another administrator through a logged command."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import select

import tests.identities as ids
from hustings.domain.errors import PermissionDenied, RuleViolation
from hustings.services import totp, users
from hustings.services.commands import as_user, run
from hustings.storage import tables as t
from tests.cli_runner import run_cli
from tests.integrity.builders import build
from tests.web.conftest import Web


def _stored(uow_factory: Any, name: str) -> tuple[str, int | None]:
    with uow_factory() as uow:
        row = uow._conn.execute(select(t.users.c.totp_sealed, t.users.c.totp_last_step)
                                .where(t.users.c.username == name)).one()
    return row[0], row[1]


def _commands(uow_factory: Any) -> list[str]:
    with uow_factory() as uow:
        return [e.command for e in uow.audit.entries()]


def _secret(uri: str) -> str:
    found = re.search(r"secret=([A-Z2-7]+)", uri)
    assert found is not None, uri
    return found.group(1)


def test_enrol_seals_the_secret_and_a_code_works_once(uow_factory: Any) -> None:
    admin = ids.signer(uow_factory)
    assert not totp.enrolled(uow_factory, ids.ADMIN)
    enrolment = totp.enrol(uow_factory, as_user(admin))
    assert enrolment.uri.startswith("otpauth://totp/hustings:") and enrolment.secret in \
        enrolment.uri
    sealed, last = _stored(uow_factory, ids.ADMIN)
    assert sealed and enrolment.secret not in sealed and last is None
    assert totp.enrolled(uow_factory, ids.ADMIN)
    assert _commands(uow_factory)[-1] == "user.totp.enrol"
    assert enrolment.secret not in str(_logged_payloads(uow_factory))

    now = 1_800_000_000.0
    step = totp.current_step(now)
    code = totp.code_at(enrolment.secret, step)
    assert code == pyotp.TOTP(enrolment.secret).at(now)  # what an authenticator app shows
    totp.verify(uow_factory, admin, code, now=now)
    with pytest.raises(PermissionDenied, match="used already"):  # a replay within the window
        totp.verify(uow_factory, admin, code, now=now + 5)
    with pytest.raises(PermissionDenied, match="used already"):  # an earlier step: refused
        totp.verify(uow_factory, admin, totp.code_at(enrolment.secret, step - 1), now=now)
    totp.verify(uow_factory, admin, totp.code_at(enrolment.secret, step + 1), now=now)
    with pytest.raises(PermissionDenied, match="wrong or expired"):
        totp.verify(uow_factory, admin, totp.code_at(enrolment.secret, step + 5), now=now)
    with pytest.raises(PermissionDenied, match="6 digits"):
        totp.verify(uow_factory, admin, "12345a", now=now)
    with pytest.raises(RuleViolation, match="has a second factor already"):
        totp.enrol(uow_factory, as_user(admin))


def _logged_payloads(uow_factory: Any) -> list[str]:
    with uow_factory() as uow:
        return [e.payload for e in uow.audit.entries()]


def test_another_key_cannot_open_the_secret(uow_factory: Any) -> None:
    admin = ids.signer(uow_factory)
    other = ids.signer(uow_factory, "admin-b", "administrator")
    sealed = totp.seal_secret(admin, pyotp.random_base32())
    with pytest.raises(PermissionDenied, match="does not open"):
        totp.open_secret(other, sealed)


def test_nobody_enrols_another_and_only_another_administrator_resets(uow_factory: Any) -> None:
    admin = ids.signer(uow_factory)
    clerk = ids.signer(uow_factory, "clerk-a")
    with pytest.raises(PermissionDenied, match="for yourself only"):
        run(uow_factory, "user.totp.enrol", {"username": "clerk-a"}, as_user(admin))
    totp.enrol(uow_factory, as_user(admin))
    with pytest.raises(PermissionDenied, match="administrator only"):
        totp.reset(uow_factory, ids.ADMIN, as_user(clerk))
    with pytest.raises(RuleViolation, match="your own second factor"):
        totp.reset(uow_factory, ids.ADMIN, as_user(admin))
    assert totp.enrolled(uow_factory, ids.ADMIN)
    other = ids.signer(uow_factory, "admin-b", "administrator")
    totp.reset(uow_factory, ids.ADMIN, as_user(other))
    assert not totp.enrolled(uow_factory, ids.ADMIN)
    assert _commands(uow_factory)[-1] == "user.totp.reset"


def test_own_password_change_keeps_it_an_administrators_reset_removes_it(
        uow_factory: Any) -> None:
    admin = ids.signer(uow_factory)
    other = ids.signer(uow_factory, "admin-b", "administrator")
    totp.enrol(uow_factory, as_user(admin))
    users.change_password(uow_factory, ids.ADMIN, ids.PASSWORD + "!x", as_user(admin))
    assert totp.enrolled(uow_factory, ids.ADMIN)
    users.change_password(uow_factory, ids.ADMIN, ids.PASSWORD, as_user(other))
    assert not totp.enrolled(uow_factory, ids.ADMIN)  # sealed under the old key: gone


def test_cli_enrol_then_every_change_needs_the_code(
        container: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    build(container.uow_factory)
    for name in ("clerk-a", "clerk-b"):
        ids.ensure(container.uow_factory, name)
    url = container.settings.database_url
    monkeypatch.delenv(totp.CODE_ENV, raising=False)
    code, out, err = run_cli(capsys, "--db", url, "user", "totp", "enrol")
    assert code == 0, err
    assert "not shown again" in out
    uri = next(line.removeprefix("uri: ") for line in out.splitlines()
               if line.startswith("uri: "))
    secret = _secret(uri)
    assert f"secret: {secret}" in out
    before = len(_commands(container.uow_factory))

    code, _, err = run_cli(capsys, "--db", url, "user", "disable", "clerk-a")
    assert code == 6 and "signs in with a second factor: set HUSTINGS_TOTP" in err
    assert "Traceback" not in err
    monkeypatch.setenv(totp.CODE_ENV, "000000" if totp.code_at(
        secret, totp.current_step()) != "000000" else "111111")
    code, _, err = run_cli(capsys, "--db", url, "user", "disable", "clerk-a")
    assert code == 6 and "wrong or expired code" in err
    assert len(_commands(container.uow_factory)) == before

    monkeypatch.setenv(totp.CODE_ENV, totp.code_at(secret, totp.current_step()))
    code, _, err = run_cli(capsys, "--db", url, "user", "disable", "clerk-a")
    assert code == 0, err
    code, _, err = run_cli(capsys, "--db", url, "user", "disable", "clerk-b")
    assert code == 6 and "used already" in err  # the same code, replayed
    assert _commands(container.uow_factory)[before:] == ["user.disable"]

    # another administrator turns it off; then the password alone is enough again
    ids.ensure(container.uow_factory, "admin-b", "administrator")
    code, out, err = run_cli(capsys, "--db", url, "user", "totp", "reset", ids.ADMIN,
                             user="admin-b")
    assert code == 0 and f"second factor off for {ids.ADMIN}" in out, err
    monkeypatch.delenv(totp.CODE_ENV)
    code, _, err = run_cli(capsys, "--db", url, "user", "disable", "clerk-b")
    assert code == 0, err
    code, out, _ = run_cli(capsys, "--db", url, "log", "verify", user=None)
    assert code == 0, out


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_web_enrol_then_sign_in_in_two_steps(web: Web) -> None:
    csrf = web.sign_in("administrator")
    page = web.client.get("/account/totp")
    assert page.status_code == 200 and "Turn on the second factor" in page.text
    r = web.client.post("/account/totp", data={"csrf_token": csrf})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    uri = re.search(r'id="totp-uri">([^<]+)<', r.text)
    assert uri is not None
    secret = _secret(uri.group(1).replace("&amp;", "&"))
    assert f'id="totp-secret">{secret}<' in r.text
    assert "Turn on" not in web.client.get("/account/totp").text  # shown once only
    web.client.delete("/api/session", headers={"X-CSRF-Token": csrf})

    # step 1: the right password is not enough
    token = _token(web.client.get("/signin").text)
    r = web.client.post("/signin", data={"csrf_token": token, "username": "administrator",
                                         "password": ids.PASSWORD, "next": "/admin"},
                        follow_redirects=False)
    assert r.status_code == 200 and 'action="/signin/code"' in r.text
    assert web.client.get("/api/session").json()["username"] is None
    assert web.client.get("/admin", follow_redirects=False).status_code == 303  # to /signin
    # step 2: a wrong code, then the right one
    r = web.client.post("/signin/code", data={"csrf_token": token, "code": "12345x"})
    assert r.status_code == 401 and "6 digits" in r.text
    code = totp.code_at(secret, totp.current_step())
    r = web.client.post("/signin/code", data={"csrf_token": token, "code": code,
                                              "next": "/admin"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin"
    assert web.client.get("/api/session").json()["username"] == "administrator"


def test_web_code_step_without_a_password_step_signs_nobody_in(web: Web) -> None:
    token = _token(web.client.get("/signin").text)
    r = web.client.post("/signin/code", data={"csrf_token": token, "code": "123456"})
    assert r.status_code == 401 and "Sign in again" in r.text
    assert web.client.get("/api/session").json()["username"] is None


def test_api_sign_in_needs_the_code(web: Web) -> None:
    csrf = web.sign_in("administrator")
    enrolment = totp.enrol(web.uow_factory,  # type: ignore[arg-type]
                           as_user(ids.signer(web.uow_factory, "administrator")))  # type: ignore[arg-type]
    web.client.delete("/api/session", headers={"X-CSRF-Token": csrf})
    creds = {"username": "administrator", "password": ids.PASSWORD}
    r = web.client.post("/api/session", json=creds)
    assert r.status_code == 401 and "send the 6-digit code" in r.json()["error"]["message"]
    code = totp.code_at(enrolment.secret, totp.current_step())
    r = web.client.post("/api/session", json={**creds, "code": code})
    assert r.status_code == 200 and r.json()["username"] == "administrator"
    r = web.client.post("/api/session", json={**creds, "code": code})
    assert r.status_code == 401 and "used already" in r.json()["error"]["message"]
