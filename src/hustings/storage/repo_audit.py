"""Content-addressed blobs and the append-only audit log."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, func, select

from hustings.domain.audit import AuditEntry, naive_utc, sha256_hex
from hustings.domain.checkpoint import Checkpoint
from hustings.domain.errors import NotFound
from hustings.domain.merkle import Frontier
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
        frontier, stored = self._tree()  # before the insert: the tree of the entries so far
        self.conn.execute(t.audit_log.insert().values(
            seq=entry.seq, at=entry.at, actor=entry.actor, command=entry.command,
            payload=entry.payload, prev_hash=entry.prev_hash, hash=entry.hash,
            version=entry.version, key_id=entry.key_id, signature=entry.signature))
        frontier.append(entry.leaf_hash())
        self._store(frontier, exists=stored)

    def after(self, seq: int, limit: int) -> list[AuditEntry]:
        """Up to `limit` entries after `seq`, oldest first."""
        rows = self.conn.execute(select(t.audit_log).where(t.audit_log.c.seq > seq)
                                 .order_by(t.audit_log.c.seq).limit(limit))
        return [AuditEntry(*row) for row in rows]

    def entries(self) -> Iterator[AuditEntry]:
        for row in self.conn.execute(select(t.audit_log).order_by(t.audit_log.c.seq)):
            yield AuditEntry(*row)

    def tree(self) -> Frontier:
        """The log's Merkle tree as its frontier, kept in step by append(); computed from the
        entries when it is missing or behind (a database from before it was kept: the next
        append stores it). Reading never writes."""
        return self._tree()[0]

    def _tree(self) -> tuple[Frontier, bool]:
        """(the frontier, whether its row exists)."""
        row = self.conn.execute(select(t.log_tree.c.size, t.log_tree.c.frontier)
                                .where(t.log_tree.c.id == 1)).first()
        last = self.conn.execute(select(func.max(t.audit_log.c.seq))).scalar()
        size = int(last or 0)
        if row is not None and row.size == size:
            return Frontier.from_hex(size, list(row.frontier)), True
        frontier = Frontier()
        for entry in self.entries():
            frontier.append(entry.leaf_hash())
        return frontier, row is not None

    def _store(self, frontier: Frontier, exists: bool) -> None:
        values = {"size": frontier.size, "frontier": frontier.to_hex()}
        if exists:
            self.conn.execute(t.log_tree.update().where(t.log_tree.c.id == 1).values(**values))
        else:
            self.conn.execute(t.log_tree.insert().values(id=1, digests={}, **values))

    def add_checkpoint(self, checkpoint: Checkpoint, state: dict[str, str]) -> None:
        self.conn.execute(t.log_checkpoints.insert().values(
            size=checkpoint.size, root=checkpoint.root, at=checkpoint.at,
            signer=checkpoint.signer, public_key=checkpoint.public_key,
            signature=checkpoint.signature, state=state, origin=checkpoint.origin))

    def checkpoints(self) -> list[tuple[Checkpoint, dict[str, str]]]:
        """Every checkpoint recorded in the log, oldest first, with its state digests."""
        rows = self.conn.execute(select(t.log_checkpoints).order_by(t.log_checkpoints.c.size))
        return [(Checkpoint(r.size, r.root, naive_utc(r.at), r.signer, r.public_key,
                            r.signature, r.origin), dict(r.state)) for r in rows]
