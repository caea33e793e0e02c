"""Move an election through its lifecycle; certify it, which starts the winner's tenure."""

from __future__ import annotations

from datetime import date
from typing import Any

from hustings.domain.disputes import Decision
from hustings.domain.election import ElectionKind, ElectionStatus
from hustings.domain.errors import InvalidInput, NotFound, Problem, RuleViolation
from hustings.domain.lifecycle import check_transition, check_withdrawal_allowed
from hustings.domain.record import Tenure, TenureKind
from hustings.services.commands import Context, command, run
from hustings.services.count import CERTIFIED_ON, count_election, record_version
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory


def advance(uow_factory: UnitOfWorkFactory, slug: str, target: str, ctx: Context,
            on: date | None = None) -> ElectionStatus:
    """Take the next lifecycle step (`certified` certifies; see `certify`)."""
    try:
        status = ElectionStatus(target)
    except ValueError:
        raise InvalidInput(Problem(f"{target!r} is not one of " + ", ".join(
            s.value for s in ElectionStatus), "status")) from None
    payload: dict[str, Any] = {"election": slug, "to": status.value}
    if on is not None:
        payload["on"] = on.isoformat()
    return run(uow_factory, "election.advance", payload, ctx)  # type: ignore[no-any-return]


def certify(uow_factory: UnitOfWorkFactory, slug: str, ctx: Context,
            on: date | None = None) -> ElectionStatus:
    return advance(uow_factory, slug, ElectionStatus.CERTIFIED.value, ctx, on)


@command("election.advance")
def _advance(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> ElectionStatus:
    slug, target = payload["election"], ElectionStatus(payload["to"])
    election = uow.elections.get(slug)
    count = count_election(uow, slug)
    rulings = [r for _, r in uow.disputes.all(slug) if r is not None]
    excused = {p for r in rulings if r.decision is Decision.ACCEPT_UNREPORTED
               for p in r.precincts}
    unreported = [p for p in count.unreported() if p not in excused]
    pending = sum(r is None for _, r in uow.disputes.all(slug))
    in_counting = target in (ElectionStatus.PROVISIONAL, ElectionStatus.CERTIFIED)
    if target is ElectionStatus.CERTIFIED and unreported \
            and election.status in (ElectionStatus.COUNTING, ElectionStatus.PROVISIONAL):
        raise RuleViolation(f"{len(unreported)} precinct(s) have not reported "
                            f"({', '.join(unreported)}): no certified result unless a ruling "
                            "allows it")
    check_transition(election.status, target, unreported=len(unreported) if in_counting else 0,
                     pending_disputes=pending)
    if target is ElectionStatus.VOTING and not uow.roll.is_frozen(slug):
        raise RuleViolation(f"the roll of {slug!r} is not frozen: voting cannot open without "
                            "a frozen roll")
    uow.elections.set_status(slug, target)
    if target is ElectionStatus.CERTIFIED:
        day = date.fromisoformat(payload["on"]) if "on" in payload else ctx.time.date()
        winners = count.winners
        if not winners:
            raise RuleViolation("no winner to certify (a tie, a runoff due, or no votes)")
        _start_tenures(uow, slug, winners, day,
                       ordered=any(r.decision is not Decision.DISMISS for r in rulings))
        who = ", ".join(winners)
        record_version(uow, slug, f"{CERTIFIED_ON}{day.isoformat()}: {who} elected", ctx.time,
                       force=True, effects=ctx.effects)
    return target


def _start_tenures(uow: UnitOfWork, slug: str, winners: tuple[str, ...], day: date,
                   ordered: bool) -> None:
    """Start one tenure per seat won, keeping the record consistent.

    A whole-office election (as many seats as the office) ends every open tenure on `day`; an
    election for fewer seats fills vacant seats only. Nothing changes when the winners hold
    the office already by this very election (a re-certification that confirms the result).
    A tenure never ends before it starts, and an election older than a tenure the office has
    since begun is certified only when a ruling ordered it (`ordered`): its tenures then end
    where the later one starts.
    """
    election = uow.elections.get(slug)
    org, office_slug = election.organisation, election.office
    office = uow.organisations.office(org, office_slug)
    tenures = uow.tenures.all(org, office_slug)
    current = [t for t in tenures if t.end is None and t.holder is not None]
    vacant = any(t.end is None and t.holder is None for t in tenures)
    if current and {t.holder for t in current if t.election == slug} == set(winners):
        return
    later = sorted(t.start for t in tenures
                   if t.start is not None and t.start > day and t.election != slug)
    if later and not ordered:
        raise RuleViolation(
            f"the office {office_slug!r} has a tenure starting {later[0].isoformat()}, after "
            f"{day.isoformat()}: certifying an older election needs a ruling that orders it")
    kind = TenureKind.INTERIM if election.kind is ElectionKind.INTERIM else TenureKind.ELECTED
    end = later[0] if later else None
    if not later:
        mine = [t for t in current if t.election == slug]
        whole = election.seats >= office.seats
        if whole or mine:
            starts = [t.start for t in current if t.start is not None and t.start > day]
            if starts:
                raise RuleViolation(f"a tenure of {office_slug!r} started "
                                    f"{starts[0].isoformat()}: it cannot end on "
                                    f"{day.isoformat()}, before it starts")
            reason = f"{', '.join(winners)} elected in {slug}, certified {day.isoformat()}"
            if whole:
                uow.tenures.end_open(org, office_slug, day, reason)
            else:
                uow.tenures.end_open_of(org, office_slug, slug, day, reason)
        held = 0 if whole else len([t for t in current if t.election != slug])
        if held + len(winners) > office.seats:
            raise RuleViolation(f"the office {office_slug!r} has {office.seats} seat(s) and "
                                f"{held} are held: {len(winners)} more cannot start")
    if vacant and not later:  # the election fills the office left vacant (see end_tenure)
        uow.tenures.end_holder(org, office_slug, None, day,
                               f"{', '.join(winners)} elected in {slug}, certified "
                               f"{day.isoformat()}")
    for winner in winners:
        uow.tenures.add(org, Tenure(office_slug, winner, kind, day, end, slug))


def end_tenure(uow_factory: UnitOfWorkFactory, organisation: str, office: str, holder: str,
               on: date, reason: str, ctx: Context) -> None:
    """Record that `holder` left `office` on `on` (a resignation, a death, a removal): their
    open tenure ends, and the office is vacant from that day until an election fills it."""
    run(uow_factory, "tenure.end", {"organisation": organisation, "office": office,
                                    "holder": holder, "on": on.isoformat(), "reason": reason},
        ctx)


@command("tenure.end")
def _end_tenure(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    org, office, holder = payload["organisation"], payload["office"], payload["holder"]
    day = date.fromisoformat(payload["on"])
    reason = str(payload["reason"]).strip()
    if not reason:
        raise InvalidInput(Problem("say why the tenure ends (e.g. \"resigned\")", "tenure.end",
                                   None, "reason"))
    mine = [t for t in uow.tenures.all(org, office) if t.end is None and t.holder == holder]
    if not mine:
        raise NotFound(f"{holder!r} holds no open tenure of {office!r} in {org!r}")
    if any(t.start is not None and t.start > day for t in mine):
        raise RuleViolation(f"{holder!r} took office on {mine[0].start}: the tenure cannot "
                            f"end on {day.isoformat()}, before it starts")
    uow.tenures.end_holder(org, office, holder, day, f"{reason} ({day.isoformat()})")
    uow.tenures.add(org, Tenure(office, None, TenureKind.VACANT, day, None, None))


def withdraw(uow_factory: UnitOfWorkFactory, slug: str, candidate: str, ctx: Context) -> None:
    run(uow_factory, "candidate.withdraw", {"election": slug, "candidate": candidate}, ctx)


@command("candidate.withdraw")
def _withdraw(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    election = uow.elections.get(payload["election"])
    check_withdrawal_allowed(election.status)
    found = election.candidate(payload["candidate"])
    if found is None:
        raise NotFound(f"no candidate {payload['candidate']!r} in {election.slug!r}")
    uow.elections.set_candidate_status(election.slug, found.key, "withdrawn")
