"""Server-side web sessions: they end on sign-out, password change and disable, everywhere."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

import tests.identities as ids
from hustings.services import sessions, users
from hustings.services.commands import as_user
from hustings.storage import tables as t
from hustings.web.security import COOKIE
from tests.web.conftest import Web, make_client
from tests.web.seed import SLUG

STATUS = f"/api/elections/{SLUG}/status"
SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 4,
         "votes": {"adler": 1, "baptiste": 2, "chen": 0}, "blank": 1, "invalid": 0}


def _session_rows(web: Web) -> list[Any]:
    with web.uow_factory() as uow:  # type: ignore[operator]
        return list(uow._conn.execute(select(t.web_sessions)))


def test_sign_out_then_the_old_cookie_is_refused(web: Web) -> None:
    token = web.sign_in("clerk")
    old = web.client.cookies.get(COOKIE)
    assert web.client.get("/api/session").json()["username"] == "clerk"
    assert web.client.delete("/api/session", headers={"X-CSRF-Token": token}).status_code == 204
    web.client.cookies.set(COOKIE, old)  # the attacker kept a copy of the cookie
    assert web.client.get("/api/session").json()["username"] is None
    r = web.client.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 401


def test_sign_in_rotates_the_session(web: Web) -> None:
    web.sign_in("clerk")
    first = web.client.cookies.get(COOKIE)
    web.sign_in("clerk")
    second = web.client.cookies.get(COOKIE)
    assert first != second
    assert len(_session_rows(web)) == 1  # the first session ended when the second began


def test_the_database_alone_cannot_resume_or_sign(web: Web) -> None:
    web.sign_in("administrator")
    [row] = _session_rows(web)
    assert row.username == "administrator"
    seed = row.sealed_key
    with web.uow_factory() as uow:  # type: ignore[operator]
        admin = uow.users.get("administrator")
    assert admin is not None and seed not in admin.password_hash.encode()
    # A token made from the row's id (a hash) and a guessed key opens nothing.
    guess = f"{row.id}.{'A' * 43}="
    assert sessions.resume_session(web.uow_factory, guess) is None  # type: ignore[arg-type]


def test_disabling_a_user_ends_their_sessions(web: Web, container: Any) -> None:
    token = web.sign_in("clerk")
    admin = ids.signer(web.uow_factory, "administrator")  # type: ignore[arg-type]
    users.disable_user(web.uow_factory, "clerk", as_user(admin))  # type: ignore[arg-type]
    r = web.client.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 401
    assert web.client.post("/api/session", json={"username": "clerk",
                                                 "password": ids.PASSWORD}).status_code == 401


def test_a_password_change_ends_the_sessions(web: Web, container: Any) -> None:
    token = web.sign_in("administrator")
    with make_client(container) as other:  # the same user signed in elsewhere
        r = other.post("/api/session", json={"username": "administrator",
                                             "password": ids.PASSWORD})
        other_token = r.json()["csrf_token"]
        me = ids.ctx(web.uow_factory, "administrator")  # type: ignore[arg-type]
        users.change_password(web.uow_factory, "administrator",  # type: ignore[arg-type]
                              "Brand-New-Pass-Phrase-9", me)
        for client, csrf in ((web.client, token), (other, other_token)):
            r = client.post(STATUS, json={"status": "certified"},
                            headers={"X-CSRF-Token": csrf})
            assert r.status_code == 401
    assert users.authenticate(web.uow_factory, "administrator",  # type: ignore[arg-type]
                              "Brand-New-Pass-Phrase-9").public_key == me.signer.public_key  # type: ignore[union-attr]


def test_idle_and_absolute_timeouts(web: Web) -> None:
    signer = ids.signer(web.uow_factory, "clerk")  # type: ignore[arg-type]
    start = datetime(2026, 1, 1, 9, 0)
    policy = sessions.SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=2))
    factory = web.uow_factory
    token = sessions.open_session(factory, signer, now=start)  # type: ignore[arg-type]
    at = start
    for _ in range(3):  # used every 25 minutes: stays alive...
        at += timedelta(minutes=25)
        assert sessions.resume_session(factory, token, policy, now=at) is not None  # type: ignore[arg-type]
    assert sessions.resume_session(factory, token, policy,  # type: ignore[arg-type]
                                   now=at + timedelta(minutes=31)) is None  # ...idle: ended
    token = sessions.open_session(factory, signer, now=start)  # type: ignore[arg-type]
    at = start
    while at < start + timedelta(hours=2):
        at += timedelta(minutes=20)
        alive = sessions.resume_session(factory, token, policy, now=at)  # type: ignore[arg-type]
        assert (alive is not None) == (at - start <= timedelta(hours=2))
    assert sessions.resume_session(factory, token, policy,  # type: ignore[arg-type]
                                   now=start + timedelta(hours=2, minutes=1)) is None


def test_a_clerk_cannot_certify_on_the_web_either(web: Web) -> None:
    token = web.sign_in("clerk")
    r = web.client.post(STATUS, json={"status": "certified"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403


def test_web_entries_are_signed_by_the_signed_in_user(web: Web) -> None:
    from hustings.services import identity

    token = web.sign_in("clerk")
    r = web.client.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                        headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    with web.uow_factory() as uow:  # type: ignore[operator]
        last = uow.audit.last()
        clerk = uow.users.get("clerk")
    assert last is not None and clerk is not None
    assert last.actor == "clerk" and last.command == "tally.enter"
    assert identity.valid_signature(clerk.public_key, last.signed_bytes(), last.signature)
