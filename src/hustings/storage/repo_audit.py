"""Content-addressed blobs and the append-only audit log."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, select

from hustings.domain.audit import AuditEntry, sha256_hex
from hustings.domain.errors import NotFound
from hustings.storage import tables as t


class SqlBlobRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def put(self, content: bytes) -> str:
        digest = sha256_hex(content)
        if self.conn.execute(select(t.blobs.c.sha256).where(
                t.blobs.c.sha256 == digest)).first() is None:
            self.conn.execute(t.blobs.insert().values(sha256=digest, content=content))
        return digest

    def get(self, sha256: str) -> bytes:
        row = self.conn.execute(select(t.blobs.c.content).where(t.blobs.c.sha256 == sha256)).first()
        if row is None:
            raise NotFound(f"no stored content with SHA-256 {sha256}")
        return bytes(row[0])


class SqlAuditRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def last(self) -> AuditEntry | None:
        row = self.conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq.desc())
                                .limit(1)).first()
        return None if row is None else AuditEntry(*row)

    def append(self, entry: AuditEntry) -> None:
        self.conn.execute(t.audit_log.insert().values(
            seq=entry.seq, at=entry.at, actor=entry.actor, command=entry.command,
            payload=entry.payload, prev_hash=entry.prev_hash, hash=entry.hash,
            version=entry.version, key_id=entry.key_id, signature=entry.signature))

    def after(self, seq: int, limit: int) -> list[AuditEntry]:
        """Up to `limit` entries after `seq`, oldest first."""
        rows = self.conn.execute(select(t.audit_log).where(t.audit_log.c.seq > seq)
                                 .order_by(t.audit_log.c.seq).limit(limit))
        return [AuditEntry(*row) for row in rows]

    def entries(self) -> Iterator[AuditEntry]:
        for row in self.conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq)):
            yield AuditEntry(*row)
