"""The tamper-evident log: verify the hash chain, rebuild state from it, export, head."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hustings.domain.audit import GENESIS, AuditEntry, naive_utc, sha256_hex, utc_iso
from hustings.domain.checkpoint import Checkpoint
from hustings.domain.errors import HustingsError
from hustings.domain.users import User
from hustings.services import (  # noqa: F401 - replay needs every command's handler registered
    ballots,
    checkpoints,
    disputes,
    elections,
    identity,
    lifecycle,
    members,
    online,
    record_store,
    tallies,
    totp,
    users,
)
from hustings.services.commands import Context, handler_for, split_effects
from hustings.services.ports import ScratchDatabase, UnitOfWorkFactory

KEY_REGISTRATIONS = ("user.init", "user.add", "user.passwd")
# Tables the size of the membership: the routine check does not read them again when their
# running digests are the ones signed at the newest checkpoint (see docs/integrity.md).
ROLL_SIZED = ("members", "roll_entries")


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)
    basis: str = "the state rebuilt from the log matches the database"

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


def check_signatures(entries: list[AuditEntry], accounts: list[User]) -> list[str]:
    """Each entry in time order and signed by the key registered for its actor at that point
    in the log; keys registered with proof of possession, never shared by two users; each
    stored account holding the key the log registered, its credential signed by that key."""
    problems: list[str] = []
    keys: dict[str, str] = {}  # username -> public key, as registered so far
    disabled: set[str] = set()
    last_at = None
    for e in entries:
        if problems:  # the first bad entry is named; what follows it cannot be trusted
            return problems
        where = f"log entry {e.seq} ({e.command} by {e.actor})"
        if last_at is not None and naive_utc(e.at) < last_at:
            problems.append(f"{where}: dated {utc_iso(e.at)}, before the entry preceding it "
                            f"({last_at.isoformat()}): back-dated")
        last_at = max(last_at, naive_utc(e.at)) if last_at else naive_utc(e.at)
        try:
            payload = json.loads(e.payload)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            problems.append(f"{where}: the payload is not a JSON object")
            continue
        if e.command == "user.init":
            if keys:
                problems.append(f"{where}: a first administrator after users were registered")
            signer_key = payload.get("public_key", "")
        else:
            signer_key = keys.get(e.actor, "")
            if not signer_key:
                problems.append(f"{where}: {e.actor!r} has no key registered in the log "
                                "before this entry")
                continue
            if e.actor in disabled:
                problems.append(f"{where}: {e.actor!r} was disabled before this entry")
        if not e.signature:
            problems.append(f"{where}: not signed")
            continue
        if e.key_id != identity.key_id(signer_key) or not identity.valid_signature(
                signer_key, e.signed_bytes(), e.signature):
            problems.append(f"{where}: the signature does not verify with the key registered "
                            f"for {e.actor} (actor or content changed, or signed by another "
                            "key)")
            continue
        if e.command in KEY_REGISTRATIONS and "proof" in payload:
            name, public_key = str(payload.get("username")), str(payload.get("public_key"))
            if not identity.valid_signature(public_key, identity.registration_bytes(
                    name, payload.get("role", ""), public_key), payload["proof"]):
                problems.append(f"{where}: the key registered for {name!r} has no valid proof "
                                "of possession")
            owners = [u for u, k in keys.items() if k == public_key and u != name]
            if owners:
                problems.append(f"{where}: the key registered for {name} is also {owners[0]}'s: "
                                "one person could enter both sides of a tally sheet")
            keys[name] = public_key
        if e.command == "user.disable":
            disabled.add(str(payload.get("username")))
    if problems:
        return problems
    for user in accounts:
        registered = keys.get(user.username)
        if registered is None:
            problems.append(f"user {user.username!r}: not registered by any log entry")
        elif user.public_key != registered:
            problems.append(f"user {user.username!r}: the stored public key is not the one the "
                            "log registered (replaced)")
        elif not identity.valid_signature(
                registered, identity.credential_bytes(user.username, user.password_hash),
                user.credential_sig):
            problems.append(f"user {user.username!r}: the stored password credential is not "
                            "signed by the user's key (password hash replaced)")
    return problems


def _blob_shas(payload: dict[str, Any]) -> list[str]:
    shas = [payload["sha256"]] if "sha256" in payload else []
    shas += [e["sha256"] for e in payload.get("evidence", [])]
    return shas


@dataclass(frozen=True)
class Replica:
    """A verified copy of the state kept by `log checkpoint` (a full verification's scratch
    database), so a routine `log verify` replays only the entries made since."""

    path: str
    open_copy: Callable[[str], ScratchDatabase]  # a scratch database copied from the replica


def verify(uow_factory: UnitOfWorkFactory,
           scratch_factory: Callable[[], ScratchDatabase],
           given: Sequence[checkpoints.Given] = (), full: bool = False,
           replica: Replica | None = None, keep: bool = False) -> Verification:
    """Check the chain, the signatures and the stored files, then the state.

    With checkpoints given (from files kept outside the database), first check that each is
    signed by a key the log registered (InvalidInput otherwise) and prove with a consistency
    proof that the log extends each one.

    The state (unless `full`), against S, the digests signed at the newest checkpoint (after
    a full verification): every table but the roll-sized ones unchanged since (ROLL_SIZED)
    is counted from its rows and compared with its running digest, which a direct SQL edit
    bypasses; then, when the newest entry is that checkpoint, the running digests must be S;
    when entries follow it, they are replayed on a copy of the state verified at it (the
    replica), whose running digests must then equal the database's. Otherwise (`full`, no
    usable checkpoint or replica, or any difference) every command is replayed into a
    scratch database and the two are compared, table digest by table digest, rows named
    where they differ. See docs/integrity.md, "Fast verification"."""
    with uow_factory() as live:
        entries = list(live.audit.entries())
        checkpoints.check_signers(given, entries)
        report = check_chain(iter(entries))
        chain_holds = report.ok
        report.problems[:0] = checkpoints.check_extends(given, entries)
        if chain_holds:  # then who signed it, even when a checkpoint is not extended
            report.problems.extend(check_signatures(entries, live.users.all()))
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
        running = live.running_digests()
        live_checkpoints = live.audit.checkpoints()
        cp_entry = next((e for e in reversed(entries) if e.command == "log.checkpoint"), None)
        signed = {} if cp_entry is None else checkpoints.signed_state(json.loads(cp_entry.payload))
        routine = False
        if not full and signed and _checkpoint_rows(live_checkpoints) == \
                _checkpoint_entries(entries):
            changed = set(checkpoints.state_differences(signed, running))
            scanned = live.state_digests({name for name in running
                                          if name not in ROLL_SIZED or name in changed})
            if not checkpoints.state_differences(scanned, {k: running[k] for k in scanned}):
                if cp_entry is entries[-1] and not changed:
                    report.basis = (f"its digests match those signed at checkpoint entry "
                                    f"{cp_entry.seq}")
                    return report
                routine = cp_entry is not entries[-1]
        live_digests = {} if routine else live.state_digests()
    scratch, start = _scratch(entries, scratch_factory, replica if routine else None, full)
    try:
        failure = _replay(scratch, entries[start - 1:] if start else entries, blobs)
        if start and not failure:
            with scratch.uow_factory() as uow:
                if checkpoints.state_differences(running, uow.running_digests()):
                    failure = "the kept state replayed does not give the database's state"
        if failure and start:  # the kept state did not serve (stale, replaced, or the
            scratch.close()    # database differs: then the full replay names the rows)
            scratch, start = scratch_factory(), 0
            failure = _replay(scratch, entries, blobs)
        if failure:
            report.problems.append(failure)
            return report
        if start:
            report.basis = (f"the entries from checkpoint entry {start} on, replayed on the "
                            "state verified at that checkpoint, give the database's state")
        elif not live_digests:
            with uow_factory() as live:
                live_digests = live.state_digests()
        with scratch.uow_factory() as uow:
            # the scratch database is ours, built by this replay: its running digests stand
            # for its rows (a fault in keeping them would show here as a difference)
            differ = set() if start else set(
                checkpoints.state_differences(live_digests, uow.running_digests()))
            if _checkpoint_rows(live_checkpoints) != _checkpoint_rows(uow.audit.checkpoints()):
                differ.add("log_checkpoints")
            rebuilt = uow.table_rows(differ) if differ else {}
        if keep and replica is not None and not differ and not start:
            scratch.keep(replica.path)
            scratch = None
    finally:
        if scratch is not None:
            scratch.close()
    if differ:
        with uow_factory() as live:
            report.problems.extend(compare(live.table_rows(differ), rebuilt))
        if not report.problems:  # the rows differ only in how often they occur, or moved on
            report.problems.append(f"tables {', '.join(sorted(differ))}: not the state the "
                                   "log produces")
    elif not start:  # the rows are the log's: are the digests kept beside them right?
        for name in checkpoints.state_differences(live_digests, running):
            report.problems.append(f"table {name}: the running digest kept in state_digests "
                                   f"({running.get(name, 'none')}) is not that of its rows "
                                   f"({live_digests.get(name)}): changed outside hustings")
    return report


def _replay(scratch: ScratchDatabase, entries: Sequence[AuditEntry],
            blobs: dict[str, bytes]) -> str | None:
    """Run each entry's handler into the scratch database; the first failure, if any."""
    for entry in entries:
        payload, logged_effects = split_effects(json.loads(entry.payload))
        with scratch.uow_factory() as uow:
            for sha in _blob_shas(payload):
                uow.blobs.put(blobs[sha])
            handler = handler_for(entry.command, entry.version)
            if handler is None:
                return (f"log entry {entry.seq}: unknown command {entry.command!r} version "
                        f"{entry.version}")
            ctx = Context(actor=entry.actor, now=entry.at)
            try:
                handler(uow, payload, ctx)
            except HustingsError as error:
                return f"log entry {entry.seq} ({entry.command}) cannot be replayed: {error}"
            if ctx.effects != logged_effects:
                return (f"log entry {entry.seq} ({entry.command}): what it logs as decided "
                        f"({_effects(logged_effects)}) is not what replaying it decides "
                        f"({_effects(ctx.effects)})")
            uow.audit.append(entry)
            uow.commit()
    return None


def _scratch(entries: list[AuditEntry], scratch_factory: Callable[[], ScratchDatabase],
             replica: Replica | None, full: bool) -> tuple[Any, int]:
    """(scratch database, seq of the checkpoint entry to replay from; 0: from the start).

    The replica kept by the newest checkpoint serves when it holds exactly the entries before
    that checkpoint (their hashes equal the log's): replaying the checkpoint entry into it then
    checks its state digests against the signed ones, so a replaced replica is caught too."""
    last = next((e for e in reversed(entries) if e.command == "log.checkpoint"), None)
    if full or replica is None or last is None or not os.path.exists(replica.path):
        return scratch_factory(), 0
    try:
        copy = replica.open_copy(replica.path)
    except HustingsError:
        return scratch_factory(), 0
    with copy.uow_factory() as uow:
        head = uow.audit.last()
        kept = uow.running_digests()
        scanned = uow.state_digests({name for name in kept if name not in ROLL_SIZED})
    if head is None or head.seq != last.seq - 1 or head.hash != entries[last.seq - 2].hash \
            or checkpoints.state_differences(scanned, {k: kept[k] for k in scanned}):
        copy.close()
        return scratch_factory(), 0
    return copy, last.seq


def _checkpoint_rows(rows: list[tuple[Checkpoint, dict[str, str]]]) -> list[Any]:
    return [(cp.to_dict(), state) for cp, state in rows]


def _checkpoint_entries(entries: list[AuditEntry]) -> list[Any]:
    out = []
    for e in entries:
        if e.command == "log.checkpoint":
            payload = json.loads(e.payload)
            out.append((checkpoints.from_payload(payload).to_dict(),
                        checkpoints.signed_state(payload)))
    return out


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


def _effects(effects: list[dict[str, Any]]) -> str:
    return json.dumps(effects, sort_keys=True, ensure_ascii=False)[:300] if effects else "nothing"


def _show(row: tuple[Any, ...]) -> str:
    text = ", ".join(f"{name}={value}" for name, value in row)
    return text if len(text) < 300 else text[:297] + "..."


def export(uow_factory: UnitOfWorkFactory) -> Iterator[str]:
    """The log as JSON lines, for publication (payloads as logged; files by SHA-256 only)."""
    with uow_factory() as uow:
        for e in uow.audit.entries():
            yield entry_line(e)


def entry_line(e: AuditEntry) -> str:
    """One entry as a line of JSON (the one writer of entries.jsonl and `log export`)."""
    return json.dumps({"seq": e.seq, "at": utc_iso(e.at), "actor": e.actor,
                       "command": e.command, "version": e.version,
                       "payload": json.loads(e.payload), "prev_hash": e.prev_hash,
                       "hash": e.hash, "key_id": e.key_id, "signature": e.signature},
                      ensure_ascii=False)


def head(uow_factory: UnitOfWorkFactory) -> tuple[int, str]:
    with uow_factory() as uow:
        last = uow.audit.last()
    return (0, GENESIS) if last is None else (last.seq, last.hash)


