"""The public record of the log: what `hustings log export DIR` writes, for anyone to check
with `hustings-verify DIR` (the format: docs/formats/election-record.md).

    entries.jsonl        every log entry, one JSON object a line (as `hustings log export`)
    checkpoints/N.checkpoint   each checkpoint recorded in the log, in its text form
    keys.json            the public keys the log registered, in log order
    blobs/SHA256         every file a log entry names by its SHA-256
    results/SLUG.json    each election's result versions, with the log they were made at
    manifest.json        kind "hustings-log-record", version, every other file's SHA-256
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from hustings.domain.audit import AuditEntry, utc_iso
from hustings.services.audit_log import KEY_REGISTRATIONS, _blob_shas, entry_line
from hustings.services.ports import UnitOfWorkFactory

KIND = "hustings-log-record"
VERSION = 1


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def record_files(uow_factory: UnitOfWorkFactory) -> Iterator[tuple[str, bytes]]:
    """(path inside the record, content) for every file of the record, manifest last."""
    listed: list[dict[str, Any]] = []

    def file(path: str, content: bytes) -> tuple[str, bytes]:
        listed.append({"path": path, "sha256": hashlib.sha256(content).hexdigest(),
                       "bytes": len(content)})
        return path, content

    with uow_factory() as uow:
        entries: list[AuditEntry] = list(uow.audit.entries())
        yield file("entries.jsonl", "".join(entry_line(e) + "\n" for e in entries).encode())
        for cp, _ in uow.audit.checkpoints():
            yield file(f"checkpoints/{cp.size}.checkpoint", cp.text().encode("utf-8"))
        keys = []
        shas: list[str] = []
        for e in entries:
            payload = json.loads(e.payload)
            if e.command in KEY_REGISTRATIONS:
                keys.append({"username": payload.get("username"), "role": payload.get("role"),
                             "public_key": payload.get("public_key"), "entry": e.seq})
            shas += [s for s in _blob_shas(payload) if s not in shas]
        yield file("keys.json", _json({"keys": keys}))
        for sha in sorted(set(shas)):
            yield file(f"blobs/{sha}", uow.blobs.get(sha))
        for election in uow.elections.all():
            logs = uow.versions.logs(election.slug)
            versions = [{"version": n, "created_at": utc_iso(at), "reason": reason,
                         "log": None if logs.get(n) is None else
                         {"size": logs[n][0], "root": logs[n][1]},  # type: ignore[index]
                         "result": result}
                        for n, at, reason, result in uow.versions.all(election.slug)]
            yield file(f"results/{election.slug}.json",
                       _json({"election": election.slug, "versions": versions}))
    yield "manifest.json", _json({"kind": KIND, "version": VERSION,
                                  "files": sorted(listed, key=lambda f: f["path"])})
