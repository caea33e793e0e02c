"""Every change is a command: a named handler run in one transaction with its audit entry.

A command's payload is JSON and, with the stored blobs it names, is enough to run it again:
`log verify` replays the log into a scratch database and compares the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from hustings.domain.audit import GENESIS, AuditEntry, canonical_json, entry_hash
from hustings.services.ports import Progress, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class Context:
    """Who is acting, and when. Replays pass the logged time, so they rebuild the same rows."""

    actor: str = "cli"
    now: datetime | None = None  # stamped when the command runs; replays pass the logged time
    progress: Progress | None = None
    private: dict[str, Any] = field(default_factory=dict)  # never logged (e.g. password hashes)

    @property
    def time(self) -> datetime:
        """When the command runs (naive UTC)."""
        if self.now is None:
            raise RuntimeError("the context was not stamped: commands run through run()")
        return self.now

    def stamped(self) -> Context:
        if self.now is not None:
            return self
        return replace(self, now=datetime.now(UTC).replace(tzinfo=None))


Handler = Callable[[UnitOfWork, dict[str, Any], Context], Any]
HANDLERS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under the command name written to the audit log."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


def run(uow_factory: UnitOfWorkFactory, name: str, payload: dict[str, Any], ctx: Context,
        blobs: tuple[bytes, ...] = ()) -> Any:
    """Run one command and append its audit entry, all in one transaction."""
    ctx = ctx.stamped()
    with uow_factory() as uow:
        uow.begin_write()
        for content in blobs:
            uow.blobs.put(content)
        result = HANDLERS[name](uow, payload, ctx)
        append_audit(uow, name, payload, ctx)
        uow.commit()
    return result


def append_audit(uow: UnitOfWork, name: str, payload: dict[str, Any], ctx: Context) -> AuditEntry:
    last = uow.audit.last()
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    body = canonical_json(payload)
    entry = AuditEntry(seq, ctx.time, ctx.actor, name, body, prev,
                       entry_hash(seq, ctx.time, ctx.actor, name, body, prev))
    uow.audit.append(entry)
    return entry
