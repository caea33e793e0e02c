"""Enter precinct tally sheets, from a CSV file or one at a time."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, ElectionStatus
from hustings.domain.errors import InvalidInput, Problem, RuleViolation
from hustings.domain.polling import TallySheet
from hustings.formats.csv_tables import read_tally_sheets
from hustings.services.commands import Context, command, run
from hustings.services.elections import INITIAL_POLL
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory


def candidate_columns(election: Election) -> dict[str, str]:
    """Every accepted spelling of a candidate column -> candidate key."""
    names: dict[str, str] = {}
    for c in election.candidates:
        for spelling in (c.key, c.name, c.ballot_name):
            names[spelling] = c.key
    return names


def import_tallies(uow_factory: UnitOfWorkFactory, election: str, data: bytes, source: str,
                   ctx: Context, poll: str = INITIAL_POLL) -> int:
    return run(uow_factory, "tally.import",  # type: ignore[no-any-return]
               {"election": election, "poll": poll, "source": source,
                "sha256": sha256_hex(data)}, ctx, blobs=(data,))


@command("tally.import")
def _import(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    slug, poll = payload["election"], payload["poll"]
    election = uow.elections.get(slug)
    source = payload["source"]
    sheets = read_tally_sheets(uow.blobs.get(payload["sha256"]), source, poll,
                               candidate_columns(election))
    _accept(uow, election, poll, sheets, source, ctx)
    return len(sheets)


def enter_tally(uow_factory: UnitOfWorkFactory, election: str, sheet: TallySheet,
                ctx: Context) -> None:
    problems = sheet.problems("tally sheet")
    if problems:
        raise InvalidInput(problems)
    run(uow_factory, "tally.enter", {"election": election, "sheet": asdict(sheet)}, ctx)


@command("tally.enter")
def _enter(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    election = uow.elections.get(payload["election"])
    sheet = TallySheet(**payload["sheet"])
    known = set(candidate_columns(election).values())
    unknown = [k for k in sheet.votes if k not in known]
    if unknown:
        raise InvalidInput([Problem(f"unknown candidate {k!r}", "tally sheet", None, k)
                            for k in unknown])
    missing = sorted(known - set(sheet.votes))
    if missing:
        raise InvalidInput(Problem(f"no votes given for {', '.join(missing)}", "tally sheet"))
    _accept(uow, election, sheet.poll, [(0, sheet)], "tally sheet", ctx)


def _accept(uow: UnitOfWork, election: Election, poll_key: str,
            sheets: list[tuple[int, TallySheet]], source: str, ctx: Context) -> None:
    """Check each sheet against the poll and the frozen roll, then store them all."""
    if election.status is ElectionStatus.CERTIFIED:
        raise RuleViolation(f"{election.slug!r} is certified: no tally sheets without a ruling")
    if not uow.roll.is_frozen(election.slug):
        raise RuleViolation(f"the roll of {election.slug!r} is not frozen: "
                            f"run `hustings roll freeze {election.slug}` first")
    poll = uow.polls.get(election.slug, poll_key)
    all_codes = {p.code for p in uow.precincts.all(election.slug)}
    roll = uow.roll.counts(election.slug)
    entered = {s.precinct for s in uow.sheets.for_poll(election.slug, poll_key)}
    problems: list[Problem] = []
    for line, sheet in sheets:
        at = line or None
        if sheet.precinct not in all_codes:
            problems.append(Problem(f"unknown precinct {sheet.precinct!r}", source, at,
                                    "precinct"))
        elif sheet.precinct not in poll.precincts:
            problems.append(Problem(f"precinct {sheet.precinct!r} is not part of poll "
                                    f"{poll.key!r}", source, at, "precinct"))
        elif sheet.precinct in entered:
            problems.append(Problem(f"precinct {sheet.precinct!r} already has a sheet for poll "
                                    f"{poll.key!r}", source, at, "precinct"))
        elif roll.get(sheet.precinct, 0) != sheet.registered:
            problems.append(Problem(
                f"registered = {sheet.registered}, but the frozen roll has "
                f"{roll.get(sheet.precinct, 0)} voters in {sheet.precinct!r}", source, at,
                "registered"))
    if problems:
        raise InvalidInput(problems)
    for _, sheet in sheets:
        uow.sheets.add(election.slug, sheet, ctx.actor, ctx.now)
    reported = len(entered) + len(sheets)
    status = (ElectionStatus.PROVISIONAL if reported == len(poll.precincts)
              else ElectionStatus.COUNTING)
    if election.status is not status:
        uow.elections.set_status(election.slug, status)
