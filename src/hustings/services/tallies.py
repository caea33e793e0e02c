"""Enter precinct tally sheets (two clerks must agree), from a CSV file or one at a time."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, ElectionStatus
from hustings.domain.errors import InvalidInput, Problem, RuleViolation
from hustings.domain.lifecycle import check_tally_allowed
from hustings.domain.polling import Poll, PollKind, TallySheet
from hustings.formats.csv_tables import read_tally_sheets
from hustings.services.commands import Context, command, run
from hustings.services.count import count_election, record_version
from hustings.services.elections import INITIAL_POLL
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

RUNOFF_POLL = "runoff"


def candidate_columns(election: Election) -> dict[str, str]:
    """Every accepted spelling of a candidate column -> candidate key."""
    names: dict[str, str] = {}
    for c in election.candidates:
        for spelling in (c.key, c.name, c.ballot_name):
            names[spelling] = c.key
    return names


def import_tallies(uow_factory: UnitOfWorkFactory, election: str, data: bytes, source: str,
                   ctx: Context, poll: str = INITIAL_POLL, reason: str | None = None) -> int:
    """Import a CSV of sheets as one clerk's entries (ctx.actor is the clerk)."""
    return run(uow_factory, "tally.import",  # type: ignore[no-any-return]
               {"election": election, "poll": poll, "source": source, "reason": reason,
                "sha256": sha256_hex(data)}, ctx, blobs=(data,))


@command("tally.import")
def _import(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    slug, poll_key = payload["election"], payload["poll"]
    election = uow.elections.get(slug)
    poll = uow.polls.get(slug, poll_key)
    source = payload["source"]
    sheets = read_tally_sheets(uow.blobs.get(payload["sha256"]), source, poll_key,
                               _ballot_columns(election, poll))
    _accept(uow, election, poll, sheets, source, ctx, payload.get("reason"))
    return len(sheets)


def enter_tally(uow_factory: UnitOfWorkFactory, election: str, sheet: TallySheet,
                ctx: Context, reason: str | None = None) -> str:
    """Enter one sheet; returns the precinct's status (accepted, awaiting..., mismatch)."""
    problems = sheet.problems("tally sheet")
    if problems:
        raise InvalidInput(problems)
    return run(uow_factory, "tally.enter",  # type: ignore[no-any-return]
               {"election": election, "sheet": asdict(sheet), "reason": reason}, ctx)


@command("tally.enter")
def _enter(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> str:
    election = uow.elections.get(payload["election"])
    sheet = TallySheet(**payload["sheet"])
    poll = uow.polls.get(election.slug, sheet.poll)
    known = set(_ballot_columns(election, poll).values())
    unknown = [k for k in sheet.votes if k not in known]
    if unknown:
        raise InvalidInput([Problem(f"unknown candidate {k!r} (on this poll's ballot: "
                                    f"{', '.join(sorted(known))})", "tally sheet", None, k)
                            for k in unknown])
    missing = sorted(known - set(sheet.votes))
    if missing:
        raise InvalidInput(Problem(f"no votes given for {', '.join(missing)}", "tally sheet"))
    _accept(uow, election, poll, [(0, sheet)], "tally sheet", ctx, payload.get("reason"))
    count = count_election(uow, election.slug)
    for r in count.rounds:
        for p in r.precincts:
            if p.poll == poll.key and p.code == sheet.precinct:
                return p.reconciliation.status
    return "stored"


def _ballot_columns(election: Election, poll: Poll) -> dict[str, str]:
    columns = candidate_columns(election)
    if poll.candidates is None:
        return columns
    return {k: v for k, v in columns.items() if v in poll.candidates}


def _accept(uow: UnitOfWork, election: Election, poll: Poll,
            sheets: list[tuple[int, TallySheet]], source: str, ctx: Context,
            reason: str | None) -> None:
    """Check each sheet against the poll and the frozen roll, store it, then recount."""
    check_tally_allowed(election.status)
    if not uow.roll.is_frozen(election.slug):
        raise RuleViolation(f"the roll of {election.slug!r} is not frozen: "
                            f"run `hustings roll freeze {election.slug}` first")
    all_codes = {p.code for p in uow.precincts.all(election.slug)}
    roll = uow.roll.counts(election.slug)
    mine = {e.sheet.precinct for e in uow.sheets.entries(election.slug, poll.key)
            if e.clerk == ctx.actor and e.voided_by is None}
    problems: list[Problem] = []
    for line, sheet in sheets:
        at = line or None
        if sheet.precinct not in all_codes:
            problems.append(Problem(f"unknown precinct {sheet.precinct!r}", source, at,
                                    "precinct"))
        elif sheet.precinct not in poll.precincts:
            problems.append(Problem(f"precinct {sheet.precinct!r} is not part of poll "
                                    f"{poll.key!r}", source, at, "precinct"))
        elif sheet.precinct in mine and not reason:
            problems.append(Problem(
                f"{ctx.actor} already entered precinct {sheet.precinct!r} for poll "
                f"{poll.key!r}: a correction needs a reason (--reason)", source, at,
                "precinct"))
        elif roll.get(sheet.precinct, 0) != sheet.registered:
            problems.append(Problem(
                f"registered = {sheet.registered}, but the frozen roll has "
                f"{roll.get(sheet.precinct, 0)} voters in {sheet.precinct!r}", source, at,
                "registered"))
    if problems:
        raise InvalidInput(problems)
    before = _accepted(uow, election.slug)
    for _, sheet in sheets:
        uow.sheets.add(election.slug, sheet, ctx.actor, ctx.time, reason)
    after_count = count_election(uow, election.slug)
    newly = sorted(_accepted(uow, election.slug, after_count) - before)
    if reason:
        why = f"correction by {ctx.actor}: {reason}"
    elif poll.kind is PollKind.REVOTE:
        why = f"re-vote counted ({poll.key}): {', '.join(c for _, c in newly)}"
    else:
        why = f"precincts reported ({poll.key}): {', '.join(c for _, c in newly)}"
    settle_status(uow, election.slug, ctx)
    if newly or reason:
        record_version(uow, election.slug, why, ctx.time)


def _accepted(uow: UnitOfWork, slug: str, count: Any = None) -> set[tuple[str, str]]:
    count = count or count_election(uow, slug)
    return {(p.poll, p.code) for r in count.rounds for p in r.precincts
            if p.reconciliation.accepted is not None}


def settle_status(uow: UnitOfWork, slug: str, ctx: Context) -> None:
    """Counting while precincts are out; provisional when all report; open a runoff if due."""
    count = count_election(uow, slug)
    election = count.election
    if election.status in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS,
                           ElectionStatus.CERTIFIED):
        return
    final = count.final
    if final.runoff_pair:
        open_runoff(uow, election, final.poll, final.runoff_pair)
        uow.elections.set_status(slug, ElectionStatus.VOTING)
        return
    reported = sum(p.reconciliation.accepted is not None for p in final.precincts)
    if reported == 0:
        status = ElectionStatus.VOTING if election.status is ElectionStatus.VOTING \
            else ElectionStatus.COUNTING
    elif reported == len(final.precincts):
        status = ElectionStatus.PROVISIONAL
    else:
        status = ElectionStatus.COUNTING
    if status is not election.status:
        uow.elections.set_status(slug, status)


def open_runoff(uow: UnitOfWork, election: Election, first: Poll,
                pair: tuple[str, ...]) -> Poll:
    """The rule named a runoff: a new poll, every precinct, the same roll, the named pair."""
    keys = tuple(c.key for name in pair for c in election.candidates if c.name == name)
    day = election.timetable.runoff_day or (first.day + timedelta(days=7))
    poll = Poll(RUNOFF_POLL if first.kind is PollKind.INITIAL else f"{first.key}-runoff", day,
                PollKind.RUNOFF, first.precincts, keys)
    uow.polls.add(election.slug, poll)
    return poll
