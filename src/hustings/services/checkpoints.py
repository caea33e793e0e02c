"""Checkpoints of the log: signed (size, root) statements that observers keep outside the
database, and the proof that today's log still extends each of them.

The log is an RFC 6962 Merkle tree whose leaf i is entry i's `leaf_bytes()` (its signed bytes,
a newline and its signature in hex; see domain/audit.py). `hustings log checkpoint` signs the
tree's size and root as the signed-in administrator and records the checkpoint as a logged
command (`log.checkpoint`), so the record holds every checkpoint made.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hustings.domain import merkle
from hustings.domain.audit import AuditEntry, naive_utc
from hustings.domain.checkpoint import Checkpoint, CheckpointFormatError, log_origin, parse
from hustings.domain.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleViolation,
)
from hustings.services import authz, identity
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

KEY_REGISTRATIONS = ("user.init", "user.add", "user.passwd")
# How the state digests are computed (storage/digests.py): a checkpoint records it, and a
# replay compares digests only under the same scheme, so changing how they are computed never
# makes an old log fail. Bump it with any change to that module's row form.
STATE_SCHEME = 2


class NotVerified(Exception):
    """The log or the state did not verify: no checkpoint is signed over it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def make(uow_factory: UnitOfWorkFactory, ctx: Context,
         verify_first: Callable[[], list[str]]) -> Checkpoint:
    """Sign the log's current size and root as ctx's user and record it (a logged command),
    with the digests of the state: only after `verify_first()` (a full verification) found
    nothing wrong, so a checkpoint never vouches for a tampered state (NotVerified otherwise).

    The checkpoint covers the entries before its own `log.checkpoint` entry."""
    if ctx.signer is None:
        raise PermissionDenied(authz.HOW_TO_AUTHENTICATE)
    with uow_factory() as uow:
        authz.authorise(uow, ctx.signer, "log.checkpoint", {})
    problems = verify_first()
    if problems:
        raise NotVerified(problems)
    for _ in range(3):  # another command may land between reading the tree and signing
        ctx_now = ctx.stamped() if ctx.now is None else ctx
        with uow_factory() as uow:
            tree = uow.audit.tree()
            state = uow.running_digests()  # the full verification found them those of the rows
            origin = origin_of(uow)
        cp = Checkpoint(tree.size, tree.root().hex(), ctx_now.time, ctx.signer.username,
                        ctx.signer.public_key, origin=origin)
        cp = Checkpoint(cp.size, cp.root, cp.at, cp.signer, cp.public_key,
                        ctx.signer.sign(cp.signed_bytes()), origin)
        try:
            run(uow_factory, "log.checkpoint",
                {**cp.to_dict(), "state": state, "state_scheme": STATE_SCHEME}, ctx_now)
            return cp
        except _Moved:
            if ctx.now is not None:
                raise
    raise RuleViolation("the log kept growing while the checkpoint was being made: try again")


class _Moved(RuleViolation):
    pass


def from_payload(payload: dict[str, Any]) -> Checkpoint:
    from datetime import datetime

    return Checkpoint(int(payload["size"]), str(payload["root"]),
                      datetime.fromisoformat(str(payload["time"])), str(payload["signer"]),
                      str(payload["public_key"]), str(payload["signature"]),
                      str(payload.get("origin", "")))


def origin_of(uow: UnitOfWork) -> str:
    """This log's origin (the checkpoint format's first line): "" before its first entry."""
    first = uow.audit.after(0, 1)
    return log_origin(first[0].hash) if first else ""


@command("log.checkpoint")
def _checkpoint(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> Checkpoint:
    cp = from_payload(payload)
    tree = uow.audit.tree()
    if (cp.size, cp.root) != (tree.size, tree.root().hex()):
        raise _Moved(f"the checkpoint says the log has {cp.size} entries with root "
                     f"{cp.root[:16]}…, but it has {tree.size} with root "
                     f"{tree.root().hex()[:16]}…")
    if cp.origin and cp.origin != origin_of(uow):
        raise RuleViolation(f"the checkpoint names the log {cp.origin}, not this one "
                            f"({origin_of(uow)})")
    user = uow.users.get(cp.signer)
    if cp.signer != ctx.actor or user is None or user.public_key != cp.public_key:
        raise RuleViolation(f"a checkpoint is signed by the user who records it, with their "
                            f"registered key ({cp.signer!r} is not {ctx.actor!r}'s key)")
    if not identity.valid_signature(cp.public_key, cp.signed_bytes(), cp.signature):
        raise RuleViolation("the checkpoint's signature does not verify with its signer's key")
    state = signed_state(payload)
    if state:  # replayed, this proves the digests signed are those of the log's own state
        differ = state_differences(state, uow.running_digests())
        if differ:
            raise RuleViolation(f"the state digests signed at this checkpoint are not those "
                                f"of the state the log produces (tables {', '.join(differ)})")
    uow.audit.add_checkpoint(cp, state)
    return cp


def signed_state(payload: dict[str, Any]) -> dict[str, str]:
    """The state digests a checkpoint entry signed, if computed as this version computes
    them (else none: they cannot be compared)."""
    if payload.get("state_scheme") != STATE_SCHEME:
        return {}
    return dict(payload.get("state") or {})


def state_differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def latest(uow_factory: UnitOfWorkFactory) -> Checkpoint | None:
    with uow_factory() as uow:
        recorded = uow.audit.checkpoints()
    return recorded[-1][0] if recorded else None


def registered_keys(entries: Sequence[AuditEntry]) -> dict[str, set[str]]:
    """username -> every public key the log registered for them."""
    keys: dict[str, set[str]] = {}
    for e in entries:
        if e.command in KEY_REGISTRATIONS:
            try:
                payload = json.loads(e.payload)
                keys.setdefault(str(payload["username"]), set()).add(str(payload["public_key"]))
            except (ValueError, KeyError, TypeError):
                continue
    return keys


@dataclass(frozen=True)
class Given:
    """A checkpoint a user gave on the command line, with the name of its file."""

    name: str
    checkpoint: Checkpoint


def read(name: str, data: bytes) -> Given:
    """Parse a checkpoint file; InvalidInput naming the file and the problem."""
    try:
        return Given(name, parse(data.decode("utf-8")))
    except UnicodeDecodeError:
        raise InvalidInput(Problem("not UTF-8 text: not a checkpoint", name)) from None
    except CheckpointFormatError as error:
        raise InvalidInput(Problem(f"not a checkpoint: {error}", name)) from None


def check_signers(given: Sequence[Given], entries: Sequence[AuditEntry]) -> None:
    """Each checkpoint signed by a key the log registered for its signer; InvalidInput (the
    checkpoint cannot be trusted at all) naming the file otherwise."""
    keys = registered_keys(entries)
    origin = log_origin(entries[0].hash) if entries else ""
    problems = []
    for g in given:
        cp = g.checkpoint
        if cp.origin and cp.origin != origin:
            problems.append(Problem(f"a checkpoint of another log: its origin is {cp.origin}, "
                                    f"this log's is {origin or '(an empty log)'}", g.name))
        elif cp.public_key not in keys.get(cp.signer, set()):
            problems.append(Problem(f"signed by an unknown key: {cp.public_key[:16]}… is not a "
                                    f"key the log registered for {cp.signer!r}", g.name))
        elif not identity.valid_signature(cp.public_key, cp.signed_bytes(), cp.signature):
            problems.append(Problem(f"the signature does not verify with {cp.signer}'s key "
                                    "(the checkpoint was altered)", g.name))
    if problems:
        raise InvalidInput(problems)


def check_extends(given: Sequence[Given], entries: Sequence[AuditEntry]) -> list[str]:
    """A consistency proof per checkpoint that the log extends it; the first that fails is
    named (an empty list: the log extends every one)."""
    leaves = [e.leaf_hash() for e in entries]
    size = len(leaves)
    current = merkle.root(leaves)
    for g in given:
        cp = g.checkpoint
        where = f"checkpoint {g.name} (size {cp.size}, root {cp.root[:16]}…, {cp.signer}, " \
                f"{naive_utc(cp.at).isoformat()})"
        if cp.size > size:
            return [f"the log does not extend {where}: it has only {size} entries (rolled back "
                    "or rebuilt from an older log)"]
        proof = merkle.consistency_proof(leaves, cp.size, size)
        if not merkle.verify_consistency(cp.size, size, bytes.fromhex(cp.root), current,
                                         proof):
            return [f"the log does not extend {where}: its first {cp.size} entries are not "
                    "the ones the checkpoint signed (entries edited, removed, reordered, or the "
                    "log rebuilt)"]
    return []


def public_view(uow_factory: UnitOfWorkFactory) -> dict[str, Any]:
    """What the public pages show: the log's size and root now, and the latest checkpoint."""
    with uow_factory() as uow:
        tree = uow.audit.tree()
        recorded = uow.audit.checkpoints()
    last = recorded[-1][0] if recorded else None
    return {"size": tree.size, "root": tree.root().hex(),
            "checkpoint": None if last is None else {**last.to_dict(), "text": last.text()}}


def latest_public(uow_factory: UnitOfWorkFactory) -> dict[str, Any]:
    """The latest checkpoint as JSON (with its text form); NotFound before the first."""
    found = latest(uow_factory)
    if found is None:
        raise NotFound("no checkpoint of the log has been made yet (an administrator makes "
                       "one with `hustings log checkpoint`)")
    return {**found.to_dict(), "text": found.text()}
