"""Limits on failed sign-ins against password guessing and spraying, counted in the database so
that every worker (and every process on one database) shares them.

Three counters over one sliding window: failures for one user name (from anywhere), failures
from one client address (whatever the names tried: one password sprayed across many names),
and failures overall (a spray from many addresses). When any counter reaches its limit, sign-in
attempts it covers are refused before the password is looked at, with the seconds until the
oldest counted failure leaves the window. A success clears that user name's failures from that
address. Wrong second-factor codes count as failures of the user name.

The web applies them (services do not know addresses; the web passes the client's). The command
line does not: whoever runs it holds the database, and with it the sealed credentials, which
they can attack offline whatever a counter says; argon2id's cost is the defence there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hustings.domain.audit import naive_utc
from hustings.services.ports import UnitOfWorkFactory

NAME_LENGTH = 100  # as the column


@dataclass(frozen=True)
class Limits:
    per_user: int = 10  # failures for one user name, from any address...
    per_address: int = 20  # ...from one client address, whatever the names...
    overall: int = 1000  # ...and from everywhere, within
    window: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class Refusal:
    scope: str  # "user", "address" or "all"
    retry_after: int  # seconds

    @property
    def message(self) -> str:
        what = {"user": "for this user name", "address": "from your address",
                "all": "on this server"}[self.scope]
        return (f"too many failed sign-ins {what}: try again in {self.retry_after} seconds")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _key(username: str) -> str:
    return username.casefold()[:NAME_LENGTH]


def refusal(uow_factory: UnitOfWorkFactory, limits: Limits, username: str, address: str,
            now: datetime | None = None) -> Refusal | None:
    """Why a sign-in as `username` from `address` is refused now, or None if it may go on."""
    at = now or _now()
    with uow_factory() as uow:
        counts = uow.signin_failures.recent(_key(username), address[:NAME_LENGTH],
                                            at - limits.window)
    limit = {"user": limits.per_user, "address": limits.per_address, "all": limits.overall}
    for scope, count, oldest in counts:
        if count >= limit[scope] and oldest is not None:
            left = (naive_utc(oldest) + limits.window - at).total_seconds()
            return Refusal(scope, max(1, math.ceil(left)))
    return None


def failed(uow_factory: UnitOfWorkFactory, limits: Limits, username: str, address: str,
           now: datetime | None = None) -> None:
    """Count a failed sign-in (and forget failures older than the window)."""
    at = now or _now()
    with uow_factory() as uow:
        uow.begin_write()
        uow.signin_failures.prune(at - limits.window)
        uow.signin_failures.add(_key(username), address[:NAME_LENGTH], at)
        uow.commit()


def succeeded(uow_factory: UnitOfWorkFactory, username: str, address: str) -> None:
    with uow_factory() as uow:
        uow.begin_write()
        uow.signin_failures.clear(_key(username), address[:NAME_LENGTH])
        uow.commit()
