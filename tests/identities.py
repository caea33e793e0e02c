"""Test users: each test database gets its users through the real services (signed entries).

Keys are sealed with libsodium's minimum argon2id limits in tests only (HUSTINGS_INSECURE_FAST_KDF,
set in tests/conftest.py); production defaults are untouched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hustings.domain.audit import naive_utc
from hustings.domain.users import Role
from hustings.services.commands import Context, as_user
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.users import authenticate, create_user, init_admin

ADMIN = "test-admin"
PASSWORD = "Tq7#vLp2!xWm9z-test"  # passes the password policy
EARLY = datetime(2000, 1, 1)  # users exist before the (historical) times tests run commands at


def role_of(name: str) -> Role:
    if name.startswith("clerk"):
        return Role.CLERK
    if name.startswith("observer"):
        return Role.OBSERVER
    return Role.ADMINISTRATOR


def signer(uow_factory: UnitOfWorkFactory, name: str = ADMIN,
           role: Role | str | None = None) -> Signer:
    """`name` signed in; created first (by the test administrator) if missing."""
    ensure(uow_factory, name, role)
    return authenticate(uow_factory, name, PASSWORD)


def ensure(uow_factory: UnitOfWorkFactory, name: str = ADMIN,
           role: Role | str | None = None) -> None:
    """Create `name` (by the test administrator) if missing."""
    with uow_factory() as uow:
        users = {u.username for u in uow.users.all()}
        last = uow.audit.last()
    at = max(EARLY, naive_utc(last.at)) if last else EARLY
    if not users:
        init_admin(uow_factory, ADMIN, PASSWORD, now=at)
        users.add(ADMIN)
    if name not in users:
        admin = authenticate(uow_factory, ADMIN, PASSWORD) if ADMIN in users \
            else authenticate(uow_factory, "returning-officer", "demo-password")  # the demo's
        create_user(uow_factory, name, PASSWORD, Role(role or role_of(name)).value,
                    as_user(admin, now=at))


def ctx(uow_factory: UnitOfWorkFactory, name: str = ADMIN, role: Role | str | None = None,
        **kwargs: Any) -> Context:
    """The command context of `name` (see `signer`)."""
    return as_user(signer(uow_factory, name, role), **kwargs)


def env(name: str = ADMIN) -> dict[str, str]:
    """Environment for a CLI run as `name`."""
    return {"HUSTINGS_USER": name, "HUSTINGS_PASSWORD": PASSWORD}


def ensure_url(database_url: str, name: str = ADMIN) -> None:
    """Make sure the database at `database_url` has the user `name` (for CLI tests)."""
    from hustings.bootstrap import Container, Settings

    box = Container(Settings(database_url))
    try:
        ensure(box.uow_factory, name)
    finally:
        box.close()
