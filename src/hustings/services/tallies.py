"""Enter precinct tally sheets (two clerks must agree), from a CSV file or one at a time."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, ElectionStatus, Returns
from hustings.domain.errors import InvalidInput, Problem, RuleViolation
from hustings.domain.lifecycle import check_tally_allowed
from hustings.domain.polling import Poll, PollKind, TallySheet
from hustings.formats.csv_tables import read_tally_sheets
from hustings.services.commands import Context, command, run
from hustings.services.count import ElectionCount, count_election, on_ballot, record_version
from hustings.services.elections import INITIAL_POLL
from hustings.services.online_rolls import marked_by_precinct, online_voters_by_precinct
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
                return p.status
    return "stored"


def _ballot_columns(election: Election, poll: Poll) -> dict[str, str]:
    """Column spellings of the candidates on this poll's ballot (withdrawn ones have left)."""
    standing = {c.key for c in on_ballot(election, poll)}
    return {k: v for k, v in candidate_columns(election).items() if v in standing}


def check_returns_open(uow: UnitOfWork, election: Election, kind: Returns) -> None:
    """Returns of this kind may be entered now: the right kind, voting or counting, the roll
    frozen."""
    if election.returns is not kind:
        if kind is Returns.SHEETS:
            raise RuleViolation(
                f"{election.slug!r} is counted by {election.method} from the ballots "
                "themselves: a tally sheet cannot be counted; import each precinct's ballots "
                f"with `hustings ballots import {election.slug} FILE`")
        raise RuleViolation(
            f"{election.slug!r} is counted from tally sheets (returns = \"sheets\"): enter them "
            f"with `hustings tally import {election.slug} FILE`")
    check_tally_allowed(election.status)
    if not uow.roll.is_frozen(election.slug):
        raise RuleViolation(f"the roll of {election.slug!r} is not frozen: "
                            f"run `hustings roll freeze {election.slug}` first")


def _accept(uow: UnitOfWork, election: Election, poll: Poll,
            sheets: list[tuple[int, TallySheet]], source: str, ctx: Context,
            reason: str | None) -> None:
    """Check each sheet against the poll and the frozen roll, store it, then recount."""
    check_returns_open(uow, election, Returns.SHEETS)
    all_codes = {p.code for p in uow.precincts.all(election.slug)}
    roll = uow.roll.counts(election.slug)
    mine = {e.sheet.precinct for e in uow.sheets.entries(election.slug, poll.key)
            if e.clerk == ctx.actor and e.voided_by is None}
    on_poll = set(poll.precincts)
    online_voters = online_voters_by_precinct(uow, election.slug, poll.key)
    marked = marked_by_precinct(uow, election.slug, poll.key)
    problems: list[Problem] = []
    for line, sheet in sheets:
        at = line or None
        if sheet.precinct not in all_codes:
            problems.append(Problem(f"unknown precinct {sheet.precinct!r}", source, at,
                                    "precinct"))
        elif sheet.precinct not in on_poll:
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
        elif sheet.ballots_cast > sheet.registered - online_voters.get(sheet.precinct, 0):
            online_here = online_voters[sheet.precinct]
            problems.append(Problem(
                f"ballots_cast = {sheet.ballots_cast}, but {online_here} of the "
                f"{sheet.registered} members of {sheet.precinct!r} voted online (marked in "
                f"the poll book): at most {sheet.registered - online_here} can have voted "
                "here", source, at, "ballots_cast"))
        elif sheet.precinct in marked and sheet.ballots_cast > marked[sheet.precinct]:
            problems.append(Problem(
                f"ballots_cast = {sheet.ballots_cast}, but the station's marked register "
                f"has {marked[sheet.precinct]} member(s) who voted in {sheet.precinct!r}",
                source, at, "ballots_cast"))
    if problems:
        raise InvalidInput(problems)
    before = accepted_returns(count_election(uow, election.slug))
    uow.sheets.add_many(election.slug, [sheet for _, sheet in sheets], ctx.actor, ctx.time,
                        reason)
    returns_changed(uow, election, poll, before, ctx, reason)


def returns_changed(uow: UnitOfWork, election: Election, poll: Poll,
                    before: set[tuple[str, str]], ctx: Context,
                    reason: str | None) -> ElectionCount:
    """After returns were stored: settle the status (open a runoff or the next ballot when
    due) and record a result version if the count changed. Returns the count as it now is."""
    count = count_election(uow, election.slug)
    newly = sorted(accepted_returns(count) - before)
    codes = [c for _, c in newly]
    listed = ", ".join(codes) if len(codes) <= 20 else \
        f"{len(codes)} precincts ({codes[0]} … {codes[-1]})"
    if reason:
        why = f"correction by {ctx.actor}: {reason}"
    elif poll.kind is PollKind.REVOTE:
        why = f"re-vote counted ({poll.key}): {listed}"
    else:
        why = f"precincts reported ({poll.key}): {listed}"
    if settle_status(uow, election.slug, ctx, count):
        count = count_election(uow, election.slug)
    if newly or reason:
        record_version(uow, election.slug, why, ctx.time, count=count, effects=ctx.effects)
    return count


def accepted_returns(count: ElectionCount) -> set[tuple[str, str]]:
    return {(p.poll, p.code) for r in count.rounds for p in r.precincts if p.accepted}


def settle_status(uow: UnitOfWork, slug: str, ctx: Context,
                  count: ElectionCount | None = None) -> bool:
    """Counting while precincts are out; provisional when all report; open a runoff or the
    next ballot if due. True when anything changed (the count must then be read again)."""
    count = count or count_election(uow, slug)
    election = count.election
    if election.status in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS,
                           ElectionStatus.CERTIFIED):
        return False
    final = count.final
    if final.runoff_pair or final.next_ballot:
        open_next_poll(uow, election, final.poll, final.runoff_pair or final.next_ballot,
                       count.method.name == "exhaustive")
        uow.elections.set_status(slug, ElectionStatus.VOTING)
        return True
    reported = sum(p.accepted for p in final.precincts)
    if reported == 0:
        status = ElectionStatus.VOTING if election.status is ElectionStatus.VOTING \
            else ElectionStatus.COUNTING
    elif reported == len(final.precincts):
        status = ElectionStatus.PROVISIONAL
    else:
        status = ElectionStatus.COUNTING
    if status is not election.status:
        uow.elections.set_status(slug, status)
        return True
    return False


def open_next_poll(uow: UnitOfWork, election: Election, previous: Poll,
                   names: tuple[str, ...], exhaustive: bool = False) -> Poll:
    """The rule named a runoff (or, for an exhaustive ballot, who stands on the next ballot):
    a new poll, every precinct, the same roll, those candidates."""
    keys = tuple(c.key for name in names for c in election.candidates if c.name == name)
    if exhaustive:
        number = sum(p.kind is not PollKind.REVOTE for p in uow.polls.all(election.slug)) + 1
        key = f"ballot-{number}"
        day = previous.day + timedelta(days=7)
    else:
        key = RUNOFF_POLL if previous.kind is PollKind.INITIAL else f"{previous.key}-runoff"
        day = election.timetable.runoff_day or (previous.day + timedelta(days=7))
    poll = Poll(key, day, PollKind.RUNOFF, previous.precincts, keys)
    uow.polls.add(election.slug, poll)
    return poll


def open_runoff(uow: UnitOfWork, election: Election, first: Poll,
                pair: tuple[str, ...]) -> Poll:
    return open_next_poll(uow, election, first, pair)
