"""The hash-chained audit log's entries: canonical form and chain hashes (pure)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    command: str
    payload: str  # canonical JSON of the command's payload
    prev_hash: str
    hash: str

    def expected_hash(self) -> str:
        return entry_hash(self.seq, self.at, self.actor, self.command, self.payload, self.prev_hash)


def entry_hash(seq: int, at: datetime, actor: str, command: str, payload: str, prev: str) -> str:
    """SHA-256 over the previous hash and this entry's canonical fields."""
    body = canonical_json({"seq": seq, "at": utc_iso(at), "actor": actor,
                           "command": command, "payload": payload})
    return sha256_hex((prev + "\n" + body).encode("utf-8"))


def utc_iso(at: datetime) -> str:
    """A timestamp as naive-UTC ISO text, whatever the database handed back."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat()
