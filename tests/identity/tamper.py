"""What an insider with the database can do: edit rows, then re-hash the chain after them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from hustings.domain.audit import GENESIS, AuditEntry, entry_hash
from hustings.storage import tables as t


def entries(container: Any) -> list[AuditEntry]:
    with container.engine.connect() as conn:
        return [AuditEntry(*row) for row in conn.execute(
            select(t.audit_log).order_by(t.audit_log.c.seq))]


def rehash(container: Any) -> None:
    """Recompute every entry's previous-hash and hash: the chain is consistent again (but the
    signatures are the ones the real actors made over the original bytes)."""
    prev, logged = GENESIS, entries(container)
    with container.engine.begin() as conn:
        for e in logged:
            digest = entry_hash(e.seq, e.at, e.actor, e.command, e.payload, prev, e.version,
                                e.key_id)
            conn.execute(update(t.audit_log).where(t.audit_log.c.seq == e.seq)
                         .values(prev_hash=prev, hash=digest))
            prev = digest
    container.engine.dispose()


def edit(container: Any, *statements: Any) -> None:
    with container.engine.begin() as conn:
        for statement in statements:
            conn.execute(statement)
    container.engine.dispose()
