"""The hash-chained audit log's entries: canonical form and chain hashes (pure)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hustings.domain import merkle

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
    version: int = 1  # the command's version: replays run the handler of that version
    key_id: str = ""  # the actor's signing key (see services.identity.key_id)
    signature: str = ""  # hex Ed25519 signature by that key over signed_bytes()

    def signed_bytes(self) -> bytes:
        """The canonical bytes the hash covers and the actor signs."""
        return entry_bytes(self.seq, self.at, self.actor, self.command, self.payload,
                           self.prev_hash, self.version, self.key_id)

    def expected_hash(self) -> str:
        return sha256_hex(self.signed_bytes())

    def leaf_bytes(self) -> bytes:
        """The entry as a leaf of the log's Merkle tree: its signed bytes, a newline, and its
        signature in hex, so a checkpoint commits to who signed each entry too."""
        return self.signed_bytes() + b"\n" + self.signature.encode("ascii")

    def leaf_hash(self) -> bytes:
        """RFC 6962 leaf hash of `leaf_bytes()`: SHA-256(0x00 || leaf bytes)."""
        return merkle.leaf_hash(self.leaf_bytes())


def entry_bytes(seq: int, at: datetime, actor: str, command: str, payload: str, prev: str,
                version: int = 1, key_id: str = "") -> bytes:
    """The previous hash and this entry's canonical fields, as signed and hashed."""
    body = canonical_json({"seq": seq, "at": utc_iso(at), "actor": actor, "command": command,
                           "payload": payload, "version": version, "key_id": key_id})
    return (prev + "\n" + body).encode("utf-8")


def entry_hash(seq: int, at: datetime, actor: str, command: str, payload: str, prev: str,
               version: int = 1, key_id: str = "") -> str:
    """SHA-256 over the previous hash and this entry's canonical fields."""
    return sha256_hex(entry_bytes(seq, at, actor, command, payload, prev, version, key_id))


def naive_utc(at: datetime) -> datetime:
    """A timestamp as naive UTC, whatever the database handed back (for ordering)."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo is not None else at


def utc_iso(at: datetime) -> str:
    """A timestamp as naive-UTC ISO text, whatever the database handed back."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat()
