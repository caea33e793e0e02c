"""What an insider with the database can do to the whole log: roll the database back to an
earlier state, or rebuild it from an old log (replaying its entries, as `log verify` does)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select, update

from hustings.domain.audit import AuditEntry
from hustings.services.audit_log import _blob_shas
from hustings.services.commands import Context, handler_for
from hustings.storage import tables as t
from tests.identity.tamper import entries


def rebuild(container: Any, upto: int) -> list[AuditEntry]:
    """Empty every table, then replay the log's first `upto` entries into it: a database
    whose state and log are consistent (plain `log verify` passes), as it was back then.
    The users keep their credentials, so they can sign in and go on from there."""
    logged = entries(container)
    with container.engine.connect() as conn:
        blobs = {r.sha256: bytes(r.content) for r in conn.execute(select(t.blobs))}
        credentials = [(r.username, r.password_hash, r.credential_sig)
                       for r in conn.execute(select(t.users))]
    with container.engine.begin() as conn:
        for table in reversed(t.metadata.sorted_tables):
            conn.execute(delete(table))
    for entry in logged[:upto]:
        payload = json.loads(entry.payload)
        with container.uow_factory() as uow:
            for sha in _blob_shas(payload):
                uow.blobs.put(blobs[sha])
            handler = handler_for(entry.command, entry.version)
            assert handler is not None
            handler(uow, payload, Context(actor=entry.actor, now=entry.at))
            uow.audit.append(entry)
            uow.commit()
    with container.engine.begin() as conn:
        for name, credential, signature in credentials:
            conn.execute(update(t.users).where(t.users.c.username == name)
                         .values(password_hash=credential, credential_sig=signature))
    container.engine.dispose()
    return logged[:upto]
