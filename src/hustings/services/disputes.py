"""Disputes and rulings: dismiss, recount, void precincts and order a re-vote, void a poll."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.disputes import Decision, Dispute, Evidence, Ruling
from hustings.domain.election import ElectionStatus
from hustings.domain.errors import InvalidInput, NotFound, Problem, RuleViolation
from hustings.domain.polling import Poll, PollKind
from hustings.services.commands import Context, command, run
from hustings.services.count import record_version
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory


def file_dispute(uow_factory: UnitOfWorkFactory, slug: str, poll: str, precincts: list[str],
                 complaint: str, ctx: Context,
                 evidence: list[tuple[str, bytes]] | None = None, on: date | None = None,
                 filed_by: str | None = None) -> int:
    """File a dispute; evidence files are stored with their SHA-256.

    `on` is the day it was filed when that is not today (entering a paper record later);
    `filed_by` who complains, when an administrator records someone else's complaint (the
    log entry is signed by ctx.actor either way).
    """
    if not complaint.strip():
        raise InvalidInput(Problem("the complaint is empty", "dispute", None, "complaint"))
    if filed_by is not None and not (0 < len(filed_by.strip()) <= 200):
        raise InvalidInput(Problem("1–200 characters", "dispute", None, "filed_by"))
    files = evidence or []
    payload: dict[str, Any] = {
        "election": slug, "poll": poll, "precincts": precincts, "complaint": complaint,
        "evidence": [{"name": n, "sha256": sha256_hex(b)} for n, b in files],
        "on": on.isoformat() if on else None}
    if filed_by is not None:
        payload["filed_by"] = filed_by.strip()
    return run(uow_factory, "dispute.file", payload, ctx,  # type: ignore[no-any-return]
               blobs=tuple(b for _, b in files))


@command("dispute.file")
def _file(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    slug = payload["election"]
    poll = uow.polls.get(slug, payload["poll"])
    unknown = [p for p in payload["precincts"] if p not in poll.precincts]
    if unknown:
        raise InvalidInput([Problem(f"precinct {p!r} is not part of poll {poll.key!r}",
                                    "dispute", None, "precincts") for p in unknown])
    number = uow.disputes.next_number(slug)
    filed = payload.get("on")
    filed_at = datetime.combine(date.fromisoformat(filed), time()) if filed else ctx.time
    uow.disputes.add(slug, Dispute(
        number, payload.get("filed_by") or ctx.actor, filed_at, poll.key,
        tuple(payload["precincts"]), payload["complaint"],
        tuple(Evidence(e["name"], e["sha256"]) for e in payload["evidence"])))
    return number


def rule(uow_factory: UnitOfWorkFactory, slug: str, dispute: int, decision: str, reasons: str,
         ctx: Context, precincts: list[str] | None = None, revote_day: date | None = None,
         on: date | None = None) -> Ruling:
    """Rule on a dispute (by ctx.actor) and apply the decision to the count.

    A ruling gives its reasons."""
    if not reasons.strip():
        raise InvalidInput(Problem("give the reasons for the ruling", "ruling", None,
                                   "reasons"))
    try:
        Decision(decision)
    except ValueError:
        raise InvalidInput(Problem(f"{decision!r} is not one of " + ", ".join(
            d.value for d in Decision), "ruling", None, "decision")) from None
    payload: dict[str, Any] = {"election": slug, "dispute": dispute, "decision": decision,
                               "reasons": reasons, "precincts": precincts,
                               "revote_day": revote_day.isoformat() if revote_day else None,
                               "on": on.isoformat() if on else None}
    return run(uow_factory, "dispute.rule", payload, ctx)  # type: ignore[no-any-return]


@command("dispute.rule")
def _rule(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> Ruling:
    slug, number = payload["election"], payload["dispute"]
    election = uow.elections.get(slug)
    found = [(d, r) for d, r in uow.disputes.all(slug) if d.number == number]
    if not found:
        raise NotFound(f"no dispute {number} in election {slug!r}")
    dispute, existing = found[0]
    if existing is not None:
        raise RuleViolation(f"dispute {number} was ruled on already ({existing.decision.value})")
    decision = Decision(payload["decision"])
    poll = uow.polls.get(slug, dispute.poll)
    precincts = tuple(payload["precincts"] or dispute.precincts or poll.precincts)
    if decision is Decision.VOID_POLL:
        precincts = poll.precincts
    outside = [p for p in precincts if p not in poll.precincts]
    if outside:
        raise InvalidInput(Problem(f"precincts {', '.join(outside)} are not part of poll "
                                   f"{poll.key!r}", "ruling", None, "precincts"))
    revote_day = date.fromisoformat(payload["revote_day"]) if payload["revote_day"] else None
    needs_revote = decision in (Decision.VOID_AND_REVOTE, Decision.VOID_POLL)
    if needs_revote and revote_day is None:
        raise InvalidInput(Problem("a re-vote needs its date (--revote-day)", "ruling", None,
                                   "revote_day"))
    if needs_revote and revote_day is not None and revote_day < poll.day:
        raise InvalidInput(Problem(f"the re-vote ({revote_day}) is before the poll it redoes "
                                   f"({poll.day})", "ruling", None, "revote_day"))
    ruled_at = (datetime.combine(date.fromisoformat(payload["on"]), datetime.min.time())
                if payload["on"] else ctx.time)
    revote_key = f"revote-{number}" if needs_revote else None
    ruling = Ruling(number, ctx.actor, ruled_at, decision, precincts, payload["reasons"],
                    revote_key, revote_day)
    ruling_id = uow.disputes.add_ruling(slug, ruling)
    if decision in (Decision.RECOUNT, Decision.VOID_AND_REVOTE, Decision.VOID_POLL):
        uow.sheets.void(slug, poll.key, list(precincts), ruling_id)
        uow.batches.void(slug, poll.key, list(precincts), ruling_id)
    if needs_revote and revote_key and revote_day:
        uow.polls.add(slug, Poll(revote_key, revote_day, PollKind.REVOTE, precincts,
                                 poll.candidates, poll.key))
    if decision is not Decision.DISMISS and decision is not Decision.ACCEPT_UNREPORTED:
        reopened = ElectionStatus.VOTING if needs_revote else ElectionStatus.COUNTING
        if election.status in (ElectionStatus.PROVISIONAL, ElectionStatus.CERTIFIED,
                               ElectionStatus.COUNTING):
            uow.elections.set_status(slug, reopened)
    where = f" in {', '.join(precincts)}" if decision is not Decision.DISMISS else ""
    extra = f", re-vote on {revote_day.isoformat()}" if revote_day else ""
    record_version(uow, slug, f"ruling on dispute {number} applied: {decision.value}{where}"
                   f"{extra}", ctx.time, effects=ctx.effects)
    return ruling
