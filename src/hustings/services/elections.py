"""Define elections, import precincts, freeze the roll."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, ElectionStatus
from hustings.domain.errors import AlreadyExists, InvalidInput, Problem, RuleViolation
from hustings.domain.polling import Poll, PollKind
from hustings.formats.csv_tables import read_precincts
from hustings.formats.election_toml import parse_election_toml
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

INITIAL_POLL = "initial"


def known_methods() -> set[str]:
    """Names of the counting methods an election may declare (the counting registry's)."""
    from hustings.counting import registry

    return {m.name for m in registry.all_methods()}


def create_election(uow_factory: UnitOfWorkFactory, text: str, source: str,
                    ctx: Context) -> Election:
    """Create an election from a TOML definition (validated whole before anything is written)."""
    content = text.encode("utf-8")
    parse_election_toml(text, source, known_methods())
    return run(uow_factory, "election.create", {"source": source, "sha256": sha256_hex(content)},
               ctx, blobs=(content,))  # type: ignore[no-any-return]


@command("election.create")
def _create(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> Election:
    text = uow.blobs.get(payload["sha256"]).decode("utf-8")
    definition = parse_election_toml(text, payload["source"], known_methods())
    election = definition.election
    if uow.elections.exists(election.slug):
        raise AlreadyExists(f"an election {election.slug!r} exists already")
    uow.organisations.ensure_organisation(definition.organisation)
    uow.organisations.ensure_body(definition.organisation.slug, definition.body)
    uow.organisations.ensure_office(definition.organisation.slug, definition.office)
    uow.elections.add(election)
    for precinct in definition.precincts:
        uow.precincts.add(election.slug, precinct)
    day = election.timetable.polling_day
    assert day is not None  # required by the parser
    uow.polls.add(election.slug, Poll(INITIAL_POLL, day, PollKind.INITIAL,
                                      tuple(p.code for p in definition.precincts)))
    return election


def import_precincts(uow_factory: UnitOfWorkFactory, election: str, data: bytes, source: str,
                     ctx: Context) -> int:
    read_precincts(data, source)  # validate before opening a transaction
    return run(uow_factory, "precincts.import",  # type: ignore[no-any-return]
               {"election": election, "source": source, "sha256": sha256_hex(data)}, ctx,
               blobs=(data,))


@command("precincts.import")
def _import_precincts(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    election, source = payload["election"], payload["source"]
    precincts = read_precincts(uow.blobs.get(payload["sha256"]), source)
    uow.elections.get(election)
    if uow.roll.is_frozen(election):
        raise RuleViolation(f"the roll of {election!r} is frozen: precincts can no longer change")
    existing = {p.code for p in uow.precincts.all(election)}
    clashes = [p.code for p in precincts if p.code in existing]
    if clashes:
        raise InvalidInput([Problem(f"precinct {c!r} exists already in {election!r}", source,
                                    None, "code") for c in clashes])
    for precinct in precincts:
        uow.precincts.add(election, precinct)
        for poll in uow.polls.all(election):
            if poll.kind is PollKind.INITIAL:
                uow.polls.add_precinct(election, poll.key, precinct.code)
    return len(precincts)


@dataclass(frozen=True)
class FrozenRoll:
    election: str
    size: int
    by_precinct: dict[str, int]


def freeze_roll(uow_factory: UnitOfWorkFactory, election: str, ctx: Context) -> FrozenRoll:
    """Copy the eligible members of the election's body onto its roll, once."""
    return run(uow_factory, "roll.freeze", {"election": election}, ctx)  # type: ignore[no-any-return]


@command("roll.freeze")
def _freeze(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> FrozenRoll:
    slug = payload["election"]
    election = uow.elections.get(slug)
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS):
        raise RuleViolation(f"the roll can only be frozen before voting; {slug!r} is "
                            f"{election.status.value}")
    if uow.roll.is_frozen(slug):
        raise RuleViolation(f"the roll of {slug!r} is frozen already")
    if not uow.precincts.all(slug):
        raise RuleViolation(f"{slug!r} has no precincts: import them before freezing the roll")
    unplaced = uow.roll.unplaced(slug, election.body, election.eligibility)
    if unplaced:
        listing = ", ".join(f"{code or '(none)'}: {n}" for code, n in sorted(unplaced.items()))
        raise InvalidInput(Problem(
            f"{sum(unplaced.values())} eligible member(s) of {election.body!r} vote in precincts "
            f"that {slug!r} does not have ({listing})"))
    uow.roll.freeze(slug, election.body, election.eligibility)
    counts = uow.roll.counts(slug)
    if not sum(counts.values()):  # the command's transaction is rolled back: nothing frozen
        raise RuleViolation(
            f"no member of {election.body!r} is eligible for {slug!r} by its eligibility rule: "
            f"the roll was not frozen (import the members, or check the rule)")
    return FrozenRoll(slug, sum(counts.values()), counts)
