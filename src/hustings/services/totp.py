"""A second factor for signing in: time-based one-time codes (TOTP, RFC 6238, via pyotp).

Anyone may enrol themselves (`user.totp.enrol`); administrators are expected to. The secret is
shown once, as an `otpauth://` URI and as base32 text, and stored sealed
(`nacl.secret.SecretBox`) under a key derived with BLAKE2b from the user's own signing key —
which only their password opens (services.identity). So the database alone does not reveal it,
a password change keeps it, and an administrator's password reset (a new key) removes it.
Another administrator disables it (`user.totp.reset`, logged); nobody resets their own.

A code is accepted for its 30-second step and one step either side (clock drift), and once
only: the last step used is stored and a code of that step or an earlier one is refused, by one
atomic update shared by every worker.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, replace
from typing import Any

import pyotp
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from hustings.domain.errors import NotFound, PermissionDenied, RuleViolation
from hustings.services.commands import Context, command, run
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

ISSUER = "hustings"
STEP = 30  # seconds per code
DRIFT = 1  # steps accepted either side of the current one
CODE_ENV = "HUSTINGS_TOTP"


@dataclass(frozen=True)
class Enrolment:
    """What the user sees once: the secret and the URI an authenticator app reads."""

    username: str
    secret: str
    uri: str


def _box(signer: Signer) -> SecretBox:
    key = hashlib.blake2b(signer.key.encode(), digest_size=SecretBox.KEY_SIZE,
                          person=b"hustings.totp").digest()
    return SecretBox(key)


def seal_secret(signer: Signer, secret: str) -> str:
    return base64.urlsafe_b64encode(bytes(_box(signer).encrypt(secret.encode("ascii")))
                                    ).decode("ascii")


def open_secret(signer: Signer, sealed: str) -> str:
    """The secret; PermissionDenied if the user's key does not open it (it was tampered with)."""
    try:
        return _box(signer).decrypt(base64.urlsafe_b64decode(sealed.encode("ascii"))
                                    ).decode("ascii")
    except (CryptoError, ValueError, UnicodeError):
        raise PermissionDenied(f"the second factor of {signer.username!r} does not open with "
                               "their key: ask another administrator to reset it "
                               "(hustings user totp reset)") from None


def enrolled(uow_factory: UnitOfWorkFactory, username: str) -> bool:
    """Whether signing in as `username` needs a code as well as the password."""
    with uow_factory() as uow:
        user = uow.users.get(username)
    return bool(user and user.totp)


def enrol(uow_factory: UnitOfWorkFactory, ctx: Context) -> Enrolment:
    """A new secret for the signed-in user (who has none yet); shown once, stored sealed."""
    signer = ctx.signer
    if signer is None:
        raise PermissionDenied("sign in first")
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=signer.username,
                                                             issuer_name=ISSUER)
    run(uow_factory, "user.totp.enrol", {"username": signer.username},
        replace(ctx, private={"totp": seal_secret(signer, secret)}))
    return Enrolment(signer.username, secret, uri)


@command("user.totp.enrol")
def _enrol(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    username = payload["username"]
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"no user {username!r}")
    if user.totp:
        raise RuleViolation(f"{username!r} has a second factor already: to replace it, ask "
                            "another administrator to reset it (hustings user totp reset)")
    uow.users.set_totp(username, ctx.private.get("totp", ""))  # a replay has no secret


def reset(uow_factory: UnitOfWorkFactory, username: str, ctx: Context) -> None:
    """Remove another user's second factor (administrators); their web sessions end."""
    run(uow_factory, "user.totp.reset", {"username": username}, ctx)


@command("user.totp.reset")
def _reset(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    username = payload["username"]
    if username == ctx.actor:
        raise RuleViolation("you cannot reset your own second factor: ask another "
                            "administrator")
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"no user {username!r}")
    uow.users.set_totp(username, "")
    uow.sessions.end_user(username)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def code_at(secret: str, step: int) -> str:
    """The code of `step` (tests and the documentation's examples compute codes with it)."""
    return str(pyotp.TOTP(secret, interval=STEP).at(step * STEP))


def verify(uow_factory: UnitOfWorkFactory, signer: Signer, code: str,
           now: float | None = None) -> None:
    """Accept `code` for the signed-in `signer` (password checked already), once; nothing to
    do for a user without a second factor. PermissionDenied for a wrong, stale or used code."""
    with uow_factory() as uow:
        user = uow.users.get(signer.username)
    if user is None or not user.totp:
        return
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise PermissionDenied("the code is the 6 digits your authenticator app shows now")
    secret = open_secret(signer, user.totp)
    step = current_step(now)
    matched = next((s for s in (step, step - DRIFT, step + DRIFT)
                    if hmac.compare_digest(code_at(secret, s), code)), None)
    if matched is None:
        raise PermissionDenied("wrong or expired code")
    with uow_factory() as uow:
        uow.begin_write()
        fresh = uow.users.use_totp_step(signer.username, matched)
        uow.commit()
    if not fresh:
        raise PermissionDenied("that code was used already: wait for the next one")
