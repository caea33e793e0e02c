"""The tamper-evident log: verify the hash chain, rebuild state from it, export, head."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hustings.domain.audit import GENESIS, AuditEntry, sha256_hex, utc_iso
from hustings.domain.errors import HustingsError
from hustings.services import (  # noqa: F401 - replay needs every command's handler registered
    disputes,
    elections,
    lifecycle,
    members,
    record_store,
    tallies,
    users,
)
from hustings.services.commands import HANDLERS, Context, append_audit
from hustings.services.ports import ScratchDatabase, UnitOfWorkFactory


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_chain(entries: Iterator[AuditEntry]) -> Verification:
    """Every entry links to the one before and hashes to what it says; seq has no gaps."""
    report = Verification()
    prev, expected_seq = GENESIS, 1
    for entry in entries:
        report.entries += 1
        if entry.seq != expected_seq:
            report.problems.append(f"log entry {entry.seq}: expected entry {expected_seq} "
                                   "here (an entry is missing or out of order)")
            return report
        if entry.prev_hash != prev:
            report.problems.append(f"log entry {entry.seq}: its previous-hash does not match "
                                   f"entry {entry.seq - 1} (entries removed or reordered)")
            return report
        if entry.expected_hash() != entry.hash:
            report.problems.append(f"log entry {entry.seq} ({entry.command}): content does not "
                                   "match its hash (edited)")
            return report
        prev, expected_seq = entry.hash, expected_seq + 1
    report.head = prev
    return report


def _blob_shas(payload: dict[str, Any]) -> list[str]:
    shas = [payload["sha256"]] if "sha256" in payload else []
    shas += [e["sha256"] for e in payload.get("evidence", [])]
    return shas


def verify(uow_factory: UnitOfWorkFactory,
           scratch_factory: Callable[[], ScratchDatabase]) -> Verification:
    """Check the chain, then replay every command into a scratch database and compare."""
    with uow_factory() as live:
        entries = list(live.audit.entries())
        report = check_chain(iter(entries))
        if not report.ok:
            return report
        blobs: dict[str, bytes] = {}
        for entry in entries:
            for sha in _blob_shas(json.loads(entry.payload)):
                content = live.blobs.get(sha)
                if sha256_hex(content) != sha:
                    report.problems.append(f"stored file {sha[:12]}… (log entry {entry.seq}) "
                                           "does not match its SHA-256 (edited)")
                    return report
                blobs[sha] = content
        live_state = live.snapshot()
    scratch = scratch_factory()
    try:
        for entry in entries:
            payload = json.loads(entry.payload)
            with scratch.uow_factory() as uow:
                for sha in _blob_shas(payload):
                    uow.blobs.put(blobs[sha])
                handler = HANDLERS.get(entry.command)
                if handler is None:
                    report.problems.append(f"log entry {entry.seq}: unknown command "
                                           f"{entry.command!r}")
                    return report
                ctx = Context(actor=entry.actor, now=entry.at)
                try:
                    handler(uow, payload, ctx)
                except HustingsError as error:
                    report.problems.append(f"log entry {entry.seq} ({entry.command}) cannot be "
                                           f"replayed: {error}")
                    return report
                append_audit(uow, entry.command, payload, ctx)
                uow.commit()
        with scratch.uow_factory() as uow:
            rebuilt = uow.snapshot()
    finally:
        scratch.close()
    report.problems.extend(compare(live_state, rebuilt))
    return report


def compare(live: dict[str, list[tuple[Any, ...]]],
            rebuilt: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Name each table and row where the live database differs from the log's rebuild."""
    problems: list[str] = []
    for table in live:
        live_rows, log_rows = Counter(live[table]), Counter(rebuilt.get(table, []))
        if live_rows == log_rows:
            continue
        extra = sorted((live_rows - log_rows).elements(), key=repr)
        missing = sorted((log_rows - live_rows).elements(), key=repr)
        for row in extra[:3]:
            problems.append(f"table {table}: row not produced by the log: {_show(row)}")
        for row in missing[:3]:
            problems.append(f"table {table}: row the log produces is missing or altered: "
                            f"{_show(row)}")
    return problems


def _show(row: tuple[Any, ...]) -> str:
    text = ", ".join(f"{name}={value}" for name, value in row)
    return text if len(text) < 300 else text[:297] + "..."


def export(uow_factory: UnitOfWorkFactory) -> Iterator[str]:
    """The log as JSON lines, for publication (payloads as logged; files by SHA-256 only)."""
    with uow_factory() as uow:
        for e in uow.audit.entries():
            yield json.dumps({"seq": e.seq, "at": utc_iso(e.at), "actor": e.actor,
                              "command": e.command, "payload": json.loads(e.payload),
                              "prev_hash": e.prev_hash, "hash": e.hash}, ensure_ascii=False)


def head(uow_factory: UnitOfWorkFactory) -> tuple[int, str]:
    with uow_factory() as uow:
        last = uow.audit.last()
    return (0, GENESIS) if last is None else (last.seq, last.hash)


