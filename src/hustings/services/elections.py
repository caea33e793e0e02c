"""Define elections, import precincts, freeze the roll."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hustings.counting.profile import Profile
from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, ElectionStatus, Returns
from hustings.domain.errors import AlreadyExists, InvalidInput, Problem, RuleViolation
from hustings.domain.polling import Poll, PollKind
from hustings.formats.csv_tables import read_precincts
from hustings.formats.election_toml import ElectionDefinition, parse_election_toml
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory

INITIAL_POLL = "initial"


def known_methods() -> set[str]:
    """Names of the counting methods an election may declare (the counting registry's)."""
    from hustings.counting import registry

    return {m.name for m in registry.all_methods()}


def read_definition(text: str, source: str) -> ElectionDefinition:
    """Parse a TOML definition and check its counting rules against its method (the TOML path
    of each bad key named); `returns` defaults from what the method needs."""
    definition = parse_election_toml(text, source, known_methods())
    return check_rules(definition, source)


def check_rules(definition: ElectionDefinition, source: str) -> ElectionDefinition:
    from hustings.counting.registry import get_method

    election = definition.election
    method = get_method(election.method)
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(message, source, None, path))

    wants = Returns.SHEETS if method.needs == "totals" else Returns.BALLOTS
    if not definition.returns_given:
        definition = definition.with_returns(wants)
        election = definition.election
    elif method.needs == "rankings" and election.returns is Returns.SHEETS:
        bad("election.returns", f"{method.name} counts the ballots themselves (rankings or "
            'marks), not tally sheets: returns must be "ballots"')
    rules = dict(election.rules)
    for key in method.supplied:
        if key in rules:
            bad(f"rules.{key}", f"{key} come from the election itself ([[sections]] or the "
                "precincts' points), not from [rules]")
            rules.pop(key)
    if method.name == "college" and not election.sections:
        bad("sections", "an electoral college needs [[sections]] (key, name, body, weight)")
    if election.sections and method.name != "college":
        bad("sections", f"[[sections]] belong to an electoral college (method = \"college\"), "
            f"not {method.name}")
    labels = tuple(c.name for c in election.candidates)
    given = dict(rules)
    empty = Profile(labels, np.zeros((0, 1), dtype=np.int32), np.zeros(0, dtype=np.int64))
    if method.name == "college":  # (a college without sections is refused above)
        rules["sections"] = [(s.name, s.weight, empty) for s in election.sections] or [
            ("-", 1, empty)]
    if "districts" in method.supplied:
        rules["districts"] = [{"name": p.code, "profile": empty, "points": p.points}
                              for p in definition.precincts] or [{"name": "-", "profile": empty}]
    try:
        normal = method.validate(rules, election.seats, labels)
    except InvalidInput as error:
        for p in error.problems:
            path = "election.seats" if p.field == "seats" else f"rules.{p.field}"
            bad(path, p.message)
        normal = None
    if normal is not None and "tiebreak" in normal and normal["tiebreak"] != "permutation" \
            and "seed" not in given:
        bad("rules.seed", f"{method.name} may have to break a tie by lot "
            f"(tiebreak = \"{normal['tiebreak']}\"): declare the lot's seed before voting "
            "(rules.seed = a whole number), or a tie-break order (rules.tiebreak = "
            '"permutation" and rules.order = [every candidate]); a lot is never silent')
    if problems:
        raise InvalidInput(problems)
    return definition


def create_election(uow_factory: UnitOfWorkFactory, text: str, source: str,
                    ctx: Context) -> Election:
    """Create an election from a TOML definition (validated whole before anything is written)."""
    content = text.encode("utf-8")
    read_definition(text, source)
    return run(uow_factory, "election.create", {"source": source, "sha256": sha256_hex(content)},
               ctx, blobs=(content,))  # type: ignore[no-any-return]


def _ensure(uow: UnitOfWork, definition: ElectionDefinition) -> None:
    uow.organisations.ensure_organisation(definition.organisation)
    uow.organisations.ensure_body(definition.organisation.slug, definition.body)
    for body in definition.section_bodies:
        uow.organisations.ensure_body(definition.organisation.slug, body)
    uow.organisations.ensure_office(definition.organisation.slug, definition.office)
    office = uow.organisations.office(definition.organisation.slug, definition.office.slug)
    if definition.election.seats > office.seats:
        raise InvalidInput(Problem(
            f"{definition.election.seats} seats, but the office {office.slug!r} has "
            f"{office.seats}", None, None, "election.seats"))


@command("election.create")
def _create(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> Election:
    text = uow.blobs.get(payload["sha256"]).decode("utf-8")
    definition = read_definition(text, payload["source"])
    election = definition.election
    if uow.elections.exists(election.slug):
        raise AlreadyExists(f"an election {election.slug!r} exists already")
    _ensure(uow, definition)
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


def amend_election(uow_factory: UnitOfWorkFactory, text: str, source: str,
                   ctx: Context) -> Election:
    """Replace an election's definition while it is in draft or nominations (the same slug):
    its method, seats, rules, candidates and timetable; precincts are added or renamed."""
    content = text.encode("utf-8")
    read_definition(text, source)
    return run(uow_factory, "election.amend", {"source": source, "sha256": sha256_hex(content)},
               ctx, blobs=(content,))  # type: ignore[no-any-return]


@command("election.amend")
def _amend(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> Election:
    text = uow.blobs.get(payload["sha256"]).decode("utf-8")
    definition = read_definition(text, payload["source"])
    new = definition.election
    old = uow.elections.get(new.slug)
    if old.status not in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS):
        raise RuleViolation(f"{old.slug!r} is {old.status.value}: a definition can be amended "
                            "only in draft or nominations")
    if (new.organisation, new.office) != (old.organisation, old.office):
        raise InvalidInput(Problem("an amendment cannot move the election to another "
                                   "organisation or office", payload["source"], None, "office"))
    frozen = uow.roll.is_frozen(old.slug)
    if frozen and (new.body, new.eligibility, new.sections) != (old.body, old.eligibility,
                                                                old.sections):
        raise RuleViolation(f"the roll of {old.slug!r} is frozen: its electorate (body, "
                            "eligibility, sections) can no longer change")
    _ensure(uow, definition)
    uow.elections.replace(replace(new, status=old.status))
    existing = {p.code: p for p in uow.precincts.all(old.slug)}
    for precinct in definition.precincts:
        if precinct.code not in existing:
            if frozen:
                raise RuleViolation(f"the roll of {old.slug!r} is frozen: precincts can no "
                                    "longer be added")
            uow.precincts.add(old.slug, precinct)
            for poll in uow.polls.all(old.slug):
                if poll.kind is PollKind.INITIAL:
                    uow.polls.add_precinct(old.slug, poll.key, precinct.code)
        elif existing[precinct.code] != precinct:
            uow.precincts.update(old.slug, precinct)
    return uow.elections.get(old.slug)


@command("precincts.import")
def _import_precincts(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> int:
    election, source = payload["election"], payload["source"]
    precincts = read_precincts(uow.blobs.get(payload["sha256"]), source)
    found = uow.elections.get(election)
    if uow.roll.is_frozen(election):
        raise RuleViolation(f"the roll of {election!r} is frozen: precincts can no longer change")
    existing = {p.code for p in uow.precincts.all(election)}
    problems = [Problem(f"precinct {p.code!r} exists already in {election!r}", source, None,
                        "code") for p in precincts if p.code in existing]
    keys = {s.key for s in found.sections}
    for p in precincts:
        if p.section is not None and p.section not in keys:
            problems.append(Problem(f"precinct {p.code!r}: no section {p.section!r} in "
                                    f"{election!r} (sections: {', '.join(sorted(keys)) or 'none'})",
                                    source, None, "section"))
        elif keys and p.section is None:
            problems.append(Problem(f"precinct {p.code!r} has no section: an electoral "
                                    "college's precincts each belong to one", source, None,
                                    "section"))
    if problems:
        raise InvalidInput(problems)
    initial = [poll.key for poll in uow.polls.all(election) if poll.kind is PollKind.INITIAL]
    uow.precincts.add_many(election, list(precincts))
    for key in initial:
        uow.polls.add_precincts(election, key, [p.code for p in precincts])
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
    precincts = uow.precincts.all(slug)
    if not precincts:
        raise RuleViolation(f"{slug!r} has no precincts: import them before freezing the roll")
    # each section of an electoral college freezes its own body into its own precincts
    electorates: list[tuple[str, list[str] | None]] = [(election.body, None)]
    if election.sections:
        electorates = [(s.body, [p.code for p in precincts if p.section == s.key])
                       for s in election.sections]
    for body, codes in electorates:
        unplaced = uow.roll.unplaced(slug, body, election.eligibility, codes)
        if unplaced:
            listing = ", ".join(f"{code or '(none)'}: {n}"
                                for code, n in sorted(unplaced.items()))
            where = "precincts" if codes is None else "precincts of its section"
            raise InvalidInput(Problem(
                f"{sum(unplaced.values())} eligible member(s) of {body!r} vote in {where} "
                f"that {slug!r} does not have ({listing})"))
    for body, codes in electorates:
        uow.roll.freeze(slug, body, election.eligibility, codes)
    counts = uow.roll.counts(slug)
    if not sum(counts.values()):  # the command's transaction is rolled back: nothing frozen
        raise RuleViolation(
            f"no member of {election.body!r} is eligible for {slug!r} by its eligibility rule: "
            f"the roll was not frozen (import the members, or check the rule)")
    return FrozenRoll(slug, sum(counts.values()), counts)
