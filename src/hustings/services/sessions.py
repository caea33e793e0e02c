"""Server-side web sessions: who is signed in, with their signing key kept for the session only.

At sign-in the password opens the user's signing key. The session row keeps that key sealed
(`nacl.secret.SecretBox`) under a random key that only the session cookie carries, next to the
SHA-256 of the session id: the database alone can neither sign nor resume a session, and the
cookie alone names nothing once its row is gone. Sign-out, a password change and disabling the
user delete the rows, so an old cookie is refused everywhere. Sessions end after `idle` without
use and `absolute` after sign-in whatever happens. They are not log entries.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from nacl.signing import SigningKey
from nacl.utils import random as random_bytes

from hustings.domain.audit import naive_utc
from hustings.services import identity
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory

TOUCH_EVERY = timedelta(seconds=30)  # last_seen is written at most this often


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def _split(token: str) -> tuple[str, bytes] | None:
    session_id, sep, key = token.partition(".")
    if not sep or not session_id or len(token) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
        session_id.encode("ascii")
    except (ValueError, UnicodeEncodeError):
        return None
    return (session_id, raw) if len(raw) == SecretBox.KEY_SIZE else None


def open_session(uow_factory: UnitOfWorkFactory, signer: Signer,
                 now: datetime | None = None) -> str:
    """A new session for an authenticated user; returns the token for the cookie (id.key)."""
    session_id = secrets.token_urlsafe(32)
    key = random_bytes(SecretBox.KEY_SIZE)
    sealed = bytes(SecretBox(key).encrypt(signer.key.encode()))
    with uow_factory() as uow:
        uow.begin_write()
        uow.sessions.add(_digest(session_id), signer.username, sealed, now or _now())
        uow.commit()
    return f"{session_id}.{base64.urlsafe_b64encode(key).decode('ascii')}"


def resume_session(uow_factory: UnitOfWorkFactory, token: str | None,
                   policy: SessionPolicy = SessionPolicy(),
                   now: datetime | None = None) -> Signer | None:
    """The signed-in user of a live session, with their key; None when it ended or expired."""
    parts = _split(token) if token else None
    if parts is None:
        return None
    session_id, key = parts
    digest, at = _digest(session_id), now or _now()
    with uow_factory() as uow:  # read without the writer lock; write below only when needed
        row = uow.sessions.get(digest)
        if row is None:
            return None
        username, sealed, created, last_seen = row
        user = uow.users.get(username)
    expired = (at - naive_utc(created) > policy.absolute
               or at - naive_utc(last_seen) > policy.idle)
    if expired or user is None or user.disabled:
        with uow_factory() as uow:
            uow.begin_write()
            uow.sessions.end(digest)
            uow.commit()
        return None
    try:
        signing_key = SigningKey(SecretBox(key).decrypt(sealed))
    except (CryptoError, ValueError):
        return None
    if identity.public_hex(signing_key) != user.public_key:
        return None
    if at - naive_utc(last_seen) > TOUCH_EVERY:
        with uow_factory() as uow:
            uow.begin_write()
            uow.sessions.touch(digest, at)
            uow.commit()
    return Signer(username, user.role, signing_key)


def close_session(uow_factory: UnitOfWorkFactory, token: str | None) -> None:
    """Sign out: the session's row goes, so its cookie is worthless everywhere."""
    parts = _split(token) if token else None
    if parts is None:
        return
    with uow_factory() as uow:
        uow.begin_write()
        uow.sessions.end(_digest(parts[0]))
        uow.commit()
