"""Accounts: create users with roles, check passwords (argon2id), authorise actions."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hustings.domain.errors import AlreadyExists, InvalidInput, PermissionDenied, Problem
from hustings.domain.users import Role, User
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,100}$")
MIN_PASSWORD = 10
UNUSABLE = "!"  # a hash no password verifies against (replayed accounts)


def create_user(uow_factory: UnitOfWorkFactory, username: str, password: str, role: str,
                ctx: Context) -> User:
    """Create an account. The password never reaches the log: only username and role do."""
    problems = []
    if not USERNAME.match(username):
        problems.append(Problem("2–100 letters, digits, '.', '_' or '-'", "user", None,
                                "username"))
    if len(password) < MIN_PASSWORD:
        problems.append(Problem(f"at least {MIN_PASSWORD} characters", "user", None,
                                "password"))
    try:
        Role(role)
    except ValueError:
        problems.append(Problem(f"{role!r} is not one of " + ", ".join(r.value for r in Role),
                                "user", None, "role"))
    if problems:
        raise InvalidInput(problems)
    private = replace(ctx, private={"password_hash": _hasher.hash(password)})
    return run(uow_factory, "user.create",  # type: ignore[no-any-return]
               {"username": username, "role": role}, private)


@command("user.create")
def _create(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> User:
    username = payload["username"]
    if uow.users.get(username) is not None:
        raise AlreadyExists(f"a user {username!r} exists already")
    user = User(username, Role(payload["role"]), ctx.private.get("password_hash", UNUSABLE))
    uow.users.add(user, ctx.time)
    return user


def authenticate(uow_factory: UnitOfWorkFactory, username: str, password: str) -> User:
    """The user, if the password is right; PermissionDenied otherwise (same message either way)."""
    with uow_factory() as uow:
        user = uow.users.get(username)
    if user is None:
        _hasher.hash(password)  # same cost whether or not the user exists
        raise PermissionDenied("wrong username or password")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise PermissionDenied("wrong username or password") from None
    return user


def require_role(user: User | None, *allowed: Role) -> User:
    """Administrators may do everything; others only what `allowed` names."""
    if user is None:
        raise PermissionDenied("sign in first")
    if user.role is Role.ADMINISTRATOR or user.role in allowed:
        return user
    raise PermissionDenied(f"a {user.role.value} may not do this")
