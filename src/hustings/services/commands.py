"""Every change is a command: a named handler run in one transaction with its audit entry.

A command's payload is JSON and, with the stored blobs it names, is enough to run it again:
`log verify` replays the log into a scratch database and compares the two. Every command runs
as an authenticated user (`Context.signer`), is authorised by `services.authz`, and its entry is
signed with that user's key. Entries carry their command's version, so a replay runs the handler
that wrote them even after a newer version is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from hustings.domain.audit import GENESIS, AuditEntry, canonical_json, entry_bytes, naive_utc
from hustings.domain.audit import sha256_hex as _sha256_hex
from hustings.domain.errors import PermissionDenied, RuleViolation
from hustings.services import authz
from hustings.services.identity import Signer
from hustings.services.ports import Progress, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class Context:
    """Who is acting, and when. Replays pass the logged actor and time, so they rebuild the
    same rows; live commands carry the authenticated `signer` and act as them."""

    actor: str = "cli"
    now: datetime | None = None  # stamped when the command runs; replays pass the logged time
    progress: Progress | None = None
    private: dict[str, Any] = field(default_factory=dict)  # never logged (e.g. credentials)
    signer: Signer | None = None  # the authenticated user (None only in replays)
    # what the command decided that its payload does not say, logged with it as "effects"
    # (a tie broken by lot, with its seed, and the result version it is in); replays
    # recompute them and `log verify` compares
    effects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def time(self) -> datetime:
        """When the command runs (naive UTC)."""
        if self.now is None:
            raise RuntimeError("the context was not stamped: commands run through run()")
        return self.now

    def stamped(self) -> Context:
        if self.now is not None:
            return self
        return replace(self, now=datetime.now(UTC).replace(tzinfo=None))


def as_user(signer: Signer, **kwargs: Any) -> Context:
    """The context of a command run by an authenticated user."""
    return Context(actor=signer.username, signer=signer, **kwargs)


EFFECTS = "effects"  # the payload key under which an entry logs its command's effects


def split_effects(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A logged payload as the command's input, and the effects logged with it."""
    rest = dict(payload)
    return rest, list(rest.pop(EFFECTS, None) or [])


Handler = Callable[[UnitOfWork, dict[str, Any], Context], Any]
HANDLERS: dict[str, Handler] = {}  # name -> the current version's handler
VERSIONS: dict[str, int] = {}  # name -> the current version
ALL_VERSIONS: dict[tuple[str, int], Handler] = {}  # every registered (name, version)


def command(name: str, version: int = 1) -> Callable[[Handler], Handler]:
    """Register a handler under the command name written to the audit log.

    Changing what a command does to the state? Register the new handler with the next
    version and keep the old one registered: logged entries replay with the version they name.
    """

    def register(handler: Handler) -> Handler:
        ALL_VERSIONS[(name, version)] = handler
        if version >= VERSIONS.get(name, 0):
            HANDLERS[name], VERSIONS[name] = handler, version
        return handler

    return register


def handler_for(name: str, version: int) -> Handler | None:
    return ALL_VERSIONS.get((name, version))


def run(uow_factory: UnitOfWorkFactory, name: str, payload: dict[str, Any], ctx: Context,
        blobs: tuple[bytes, ...] = ()) -> Any:
    """Authorise, run one command and append its signed audit entry, all in one transaction."""
    if ctx.signer is None:
        raise PermissionDenied(authz.HOW_TO_AUTHENTICATE)
    ctx = replace(ctx, actor=ctx.signer.username, effects=[])
    with uow_factory() as uow:
        uow.begin_write()
        ctx = ctx.stamped()  # stamped holding the writer lock, so entries are in time order
        authz.authorise(uow, ctx.signer, name, payload)
        for content in blobs:
            uow.blobs.put(content)
        result = HANDLERS[name](uow, payload, ctx)
        append_audit(uow, name, payload, ctx)
        uow.commit()
    return result


def run_group(uow_factory: UnitOfWorkFactory, name: str,
              items: list[tuple[dict[str, Any], Context]]) -> list[Any]:
    """Group commit: run several commands of one kind in one write transaction, each with its
    own signed audit entry, in order; one commit for all. Returns each command's result or
    the exception it raised. When any fails, the transaction is rolled back and each is run
    again on its own (`run`), so one refused command changes nothing for the others."""
    try:
        with uow_factory() as uow:
            uow.begin_write()
            results = []
            for given, ctx in items:
                payload = dict(given)  # a handler may fill in its payload: keep the given one
                if ctx.signer is None:
                    raise PermissionDenied(authz.HOW_TO_AUTHENTICATE)
                ctx = replace(ctx, actor=ctx.signer.username, effects=[]).stamped()
                authz.authorise(uow, ctx.signer, name, payload)
                results.append(HANDLERS[name](uow, payload, ctx))
                append_audit(uow, name, payload, ctx)
            uow.commit()
        return results
    except Exception:  # noqa: BLE001 - each is run again alone and answers for itself
        if len(items) == 1:
            raise
    out: list[Any] = []
    for payload, ctx in items:
        try:
            out.append(run(uow_factory, name, dict(payload), ctx))
        except Exception as exc:  # noqa: BLE001 - handed to the caller of this command
            out.append(exc)
    return out


def check_time_order(last: AuditEntry | None, at: datetime) -> None:
    """Entries are in time order: one dated before the newest entry is refused."""
    if last is not None and naive_utc(at) < naive_utc(last.at):
        raise RuleViolation(f"the entry's time {naive_utc(at).isoformat()} is before the newest "
                            f"log entry's ({naive_utc(last.at).isoformat()}, entry {last.seq}): "
                            "entries are in time order, a back-dated entry is refused")


def append_audit(uow: UnitOfWork, name: str, payload: dict[str, Any], ctx: Context) -> AuditEntry:
    """Append the command's entry, signed by ctx.signer."""
    signer = ctx.signer
    if signer is None:
        raise PermissionDenied(authz.HOW_TO_AUTHENTICATE)
    last = uow.audit.last()
    check_time_order(last, ctx.time)
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    if EFFECTS in payload:
        raise RuleViolation(f"a command's payload may not carry {EFFECTS!r}: the log keeps "
                            "that key for what the command decided")
    body = canonical_json({**payload, EFFECTS: ctx.effects} if ctx.effects else payload)
    version, kid = VERSIONS.get(name, 1), signer.key_id
    data = entry_bytes(seq, ctx.time, signer.username, name, body, prev, version, kid)
    entry = AuditEntry(seq, ctx.time, signer.username, name, body, prev, _sha256_hex(data),
                       version, kid, signer.sign(data))
    uow.audit.append(entry)
    return entry
