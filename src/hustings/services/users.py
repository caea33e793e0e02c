"""Accounts: the first administrator, users with roles and signing keys, passwords, disabling.

Each user's Ed25519 public key is registered by a signed log entry: the first administrator's
by `user.init`, signed by that very key; every later user's by `user.add`, signed by the
administrator who adds them and carrying the new key's own signature over the registration
(`proof`), so a key enters the log only together with proof that its private half existed.
A password change re-seals the same key (`user.passwd`, by the user); an administrator who resets
someone else's password registers a new key for them in the `user.passwd` entry.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any

from zxcvbn import zxcvbn

from hustings.domain.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleViolation,
)
from hustings.domain.users import Role, User
from hustings.services import identity
from hustings.services.commands import Context, command, run
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,100}$")
MIN_PASSWORD = 12
MIN_STRENGTH = 3  # zxcvbn score (0-4): "safely unguessable" from 3
UNUSABLE = "!"  # a credential no password opens (accounts rebuilt by replay)


def password_problems(password: str, username: str = "",
                      source: str = "user") -> list[Problem]:
    """The password policy: at least 12 characters, and zxcvbn's strength score of 3 or more."""
    if len(password) < MIN_PASSWORD:
        return [Problem(f"at least {MIN_PASSWORD} characters", source, None, "password")]
    if len(password) > 1000:
        return [Problem("at most 1,000 characters", source, None, "password")]
    verdict = zxcvbn(password, user_inputs=[username] if username else [])
    if verdict["score"] < MIN_STRENGTH:
        advice = verdict["feedback"].get("warning") or "easy to guess"
        return [Problem(f"too weak ({advice.rstrip('.')}): use a longer, less predictable "
                        "password or passphrase", source, None, "password")]
    return []


def _check(username: str, password: str, role: str, policy: bool) -> None:
    problems = []
    if not USERNAME.match(username):
        problems.append(Problem("2–100 letters, digits, '.', '_' or '-'", "user", None,
                                "username"))
    if policy:
        problems += password_problems(password, username)
    try:
        Role(role)
    except ValueError:
        problems.append(Problem(f"{role!r} is not one of " + ", ".join(r.value for r in Role),
                                "user", None, "role"))
    if problems:
        raise InvalidInput(problems)


def _new_credentials(username: str, role: str, password: str) -> tuple[Signer, dict[str, Any],
                                                                        dict[str, Any]]:
    """A fresh key for `username`: the signer, the public payload part, the private part."""
    key = identity.new_key()
    signer = Signer(username, Role(role), key)
    credential = identity.seal(key, password).encode()
    public = {"public_key": signer.public_key,
              "proof": signer.sign(identity.registration_bytes(username, role,
                                                               signer.public_key))}
    private = {"credential": credential,
               "credential_sig": signer.sign(identity.credential_bytes(username, credential))}
    return signer, public, private


def init_admin(uow_factory: UnitOfWorkFactory, username: str, password: str,
               now: datetime | None = None, policy: bool = True) -> Signer:
    """Create the first administrator on a database without users; their key signs the entry.

    `policy=False` is for the demo only (its documented, published password).
    """
    _check(username, password, Role.ADMINISTRATOR.value, policy)
    signer, public, private = _new_credentials(username, Role.ADMINISTRATOR.value, password)
    run(uow_factory, "user.init", {"username": username, "role": Role.ADMINISTRATOR.value,
                                   **public},
        Context(signer=signer, now=now, private=private))
    return signer


@command("user.init")
def _init(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> User:
    if uow.users.all():
        raise RuleViolation("users exist already: the first administrator is created only on a "
                            "database without users")
    return _store_user(uow, payload, ctx)


def create_user(uow_factory: UnitOfWorkFactory, username: str, password: str, role: str,
                ctx: Context, policy: bool = True) -> User:
    """Create an account (run by an administrator). The password and the sealed key never
    reach the log: the username, role, public key and the key's proof of possession do."""
    _check(username, password, role, policy)
    _, public, private = _new_credentials(username, role, password)
    return run(uow_factory, "user.add",  # type: ignore[no-any-return]
               {"username": username, "role": role, **public},
               replace(ctx, private=private))


@command("user.add")
def _add(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> User:
    return _store_user(uow, payload, ctx)


def _store_user(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> User:
    username = payload["username"]
    if uow.users.get(username) is not None:
        raise AlreadyExists(f"a user {username!r} exists already")
    _check_new_key(uow, username, payload)
    user = User(username, Role(payload["role"]), ctx.private.get("credential", UNUSABLE),
                payload["public_key"], False, ctx.private.get("credential_sig", ""))
    uow.users.add(user, ctx.time)
    return user


def _check_new_key(uow: UnitOfWork, username: str, payload: dict[str, Any]) -> None:
    """A key is registered with proof of possession, and never for two users."""
    public_key = payload["public_key"]
    role = payload.get("role") or ""
    if not identity.valid_signature(public_key, identity.registration_bytes(
            username, role, public_key), payload.get("proof", "")):
        raise InvalidInput(Problem("the new key's proof of possession does not verify",
                                   "user", None, "public_key"))
    if any(u.public_key == public_key and u.username != username for u in uow.users.all()):
        raise RuleViolation("that signing key is registered for another user already: "
                            "two users never share a key")


def authenticate(uow_factory: UnitOfWorkFactory, username: str, password: str) -> Signer:
    """The user with their signing key opened, if the password opens it; PermissionDenied
    otherwise (the same message for an unknown user and a wrong password)."""
    with uow_factory() as uow:
        user = uow.users.get(username)
    if user is None:
        identity.waste_time(password)
        raise PermissionDenied("wrong username or password")
    key = identity.unseal(user.password_hash, password)
    if user.disabled:
        raise PermissionDenied(f"user {username!r} is disabled")
    if identity.public_hex(key) != user.public_key:
        raise PermissionDenied(f"the key sealed for {username!r} is not the key registered for "
                               "them: the account was tampered with (run hustings log verify)")
    return Signer(username, user.role, key)


def change_password(uow_factory: UnitOfWorkFactory, username: str, new_password: str,
                    ctx: Context) -> None:
    """Your own password: the same key, sealed again. Another user's (administrators): a new
    key for them, registered in the entry. Either way their web sessions end."""
    signer = ctx.signer
    if signer is None:
        raise PermissionDenied("sign in first")
    problems = password_problems(new_password, username)
    if problems:
        raise InvalidInput(problems)
    if username == signer.username:
        credential = identity.seal(signer.key, new_password).encode()
        payload: dict[str, Any] = {"username": username, "public_key": signer.public_key}
        private = {"credential": credential, "credential_sig": signer.sign(
            identity.credential_bytes(username, credential))}
    else:
        with uow_factory() as uow:
            user = uow.users.get(username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        _, public, private = _new_credentials(username, user.role.value, new_password)
        payload = {"username": username, "role": user.role.value, **public}
    run(uow_factory, "user.passwd", payload, replace(ctx, private=private))


@command("user.passwd")
def _passwd(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    username = payload["username"]
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"no user {username!r}")
    if payload["public_key"] != user.public_key:
        _check_new_key(uow, username, payload)
        uow.users.set_totp(username, "")  # sealed under the old key: a reset removes it
    uow.users.set_credential(username, payload["public_key"],
                             ctx.private.get("credential", UNUSABLE),
                             ctx.private.get("credential_sig", ""))
    uow.sessions.end_user(username)


def disable_user(uow_factory: UnitOfWorkFactory, username: str, ctx: Context) -> None:
    """Disable an account (administrators): it can no longer sign in, sign or act; its web
    sessions end. Its entries stay valid."""
    run(uow_factory, "user.disable", {"username": username}, ctx)


@command("user.disable")
def _disable(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    username = payload["username"]
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"no user {username!r}")
    if username == ctx.actor:
        raise RuleViolation("you cannot disable yourself: ask another administrator")
    if user.disabled:
        raise RuleViolation(f"user {username!r} is disabled already")
    uow.users.set_disabled(username, True)
    uow.sessions.end_user(username)


def require_role(user: Any, *allowed: Role) -> Any:
    """Administrators may do everything; others only what `allowed` names (web pages' gate;
    the commands themselves are authorised by services.authz)."""
    if user is None:
        raise PermissionDenied("sign in first")
    if user.role is Role.ADMINISTRATOR or user.role in allowed:
        return user
    raise PermissionDenied(f"a {user.role.value} may not do this")
