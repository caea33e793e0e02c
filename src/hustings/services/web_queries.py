"""Read-only queries the web pages need beyond `queries` and `results`.

Organisation, office and body *names* are not exposed by the repositories yet, so they are read
back from the stored election definitions (the TOML blobs named by `election.create` entries).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hustings.domain.disputes import Dispute, Ruling
from hustings.domain.election import Election
from hustings.domain.errors import InvalidInput
from hustings.domain.polling import Poll, Precinct
from hustings.domain.record import Tenure
from hustings.domain.results import Result
from hustings.domain.users import User
from hustings.formats.election_toml import LocalNames, parse_election_toml
from hustings.services import queries, record_store
from hustings.services.count import count_election
from hustings.services.elections import known_methods
from hustings.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class DefinitionNames:
    """Human names the definition file gave an election's organisation, office and body."""

    organisation: str
    office: str
    body: str
    translations: dict[str, LocalNames] = field(default_factory=dict)

    def local(self, locale: str) -> LocalNames:
        """The names given for `locale` (or its language: he for he_IL); empty if none."""
        return self.translations.get(locale) or self.translations.get(
            locale.split("_")[0]) or LocalNames()


@dataclass(frozen=True)
class ElectionFacts:
    """An election with its precincts, polls and roll, read in one transaction."""

    election: Election
    precincts: tuple[Precinct, ...]
    polls: tuple[Poll, ...]
    roll_frozen: bool
    roll: dict[str, int]  # precinct code -> voters on the frozen roll

    @property
    def roll_size(self) -> int:
        return sum(self.roll.values())


def election_facts(uow_factory: UnitOfWorkFactory, slug: str) -> ElectionFacts:
    """NotFound when there is no such election."""
    with uow_factory() as uow:
        election = uow.elections.get(slug)
        frozen = uow.roll.is_frozen(slug)
        return ElectionFacts(
            election=election,
            precincts=tuple(uow.precincts.all(slug)),
            polls=tuple(uow.polls.all(slug)),
            roll_frozen=frozen,
            roll=uow.roll.counts(slug) if frozen else {},
        )


def bodies(uow_factory: UnitOfWorkFactory) -> list[tuple[str, str, int]]:
    """Every body as (slug, name, member count)."""
    with uow_factory() as uow:
        return uow.organisations.bodies()


def definition_names(uow_factory: UnitOfWorkFactory,
                     skip: frozenset[str] = frozenset()) -> dict[str, DefinitionNames]:
    """Election slug -> names from its definition file, for every election not in `skip`."""
    found: dict[str, DefinitionNames] = {}
    methods = known_methods()
    with uow_factory() as uow:
        for entry in uow.audit.entries():
            if entry.command != "election.create":
                continue
            payload = json.loads(entry.payload)
            text = uow.blobs.get(payload["sha256"]).decode("utf-8")
            try:
                definition = parse_election_toml(text, payload["source"], methods)
            except InvalidInput:  # e.g. a counting method since unregistered: names are optional
                continue
            slug = definition.election.slug
            if slug not in skip:
                found[slug] = DefinitionNames(definition.organisation.name,
                                              definition.office.name, definition.body.name,
                                              definition.translations)
    return found


def find_user(uow_factory: UnitOfWorkFactory, username: str) -> User | None:
    """The account called `username`, or None."""
    with uow_factory() as uow:
        return uow.users.get(username)


@dataclass(frozen=True)
class RoundFigures:
    """One round of a poll-based count: its poll, figures, and the runoff pair it named."""

    number: int
    poll: Poll
    result: Result
    runoff: tuple[str, ...]


@dataclass(frozen=True)
class ElectionStory:
    """What the election page shows beyond the facts, read in one transaction: every poll's
    round of the count, the live count's precinct figures, disputes and their rulings."""

    facts: ElectionFacts
    rounds: tuple[RoundFigures, ...]
    live: Result  # the final round as counted now (for the precinct table and waiting list)
    disputes: tuple[tuple[Dispute, Ruling | None], ...]


def election_story(uow_factory: UnitOfWorkFactory, slug: str) -> ElectionStory:
    """NotFound when there is no such election."""
    with uow_factory() as uow:
        count = count_election(uow, slug)
        frozen = uow.roll.is_frozen(slug)
        facts = ElectionFacts(count.election, tuple(uow.precincts.all(slug)),
                              tuple(uow.polls.all(slug)), frozen,
                              uow.roll.counts(slug) if frozen else {})
        return ElectionStory(
            facts=facts,
            rounds=tuple(RoundFigures(r.number, r.poll, r.result, r.runoff_pair)
                         for r in count.rounds),
            live=count.final.result,
            disputes=tuple(uow.disputes.all(slug)),
        )


def last_change(uow_factory: UnitOfWorkFactory) -> int:
    """The sequence number of the newest audit entry: every change appends one."""
    with uow_factory() as uow:
        last = uow.audit.last()
        return last.seq if last is not None else 0


EVERYTHING = "*"  # a change not tied to one election (members, users, the record)


def changed_elections(uow_factory: UnitOfWorkFactory, after: int,
                      limit: int = 1000) -> set[str]:
    """The elections changed by the log entries after `after` (by their payload's
    `election`); EVERYTHING among them when some entry names none, or there are too many."""
    with uow_factory() as uow:
        entries = uow.audit.after(after, limit)
    if len(entries) >= limit:
        return {EVERYTHING}
    changed: set[str] = set()
    for entry in entries:
        try:
            slug = json.loads(entry.payload).get("election")
        except (ValueError, AttributeError):
            slug = None
        changed.add(slug if isinstance(slug, str) else EVERYTHING)
    return changed


def office_holders(uow_factory: UnitOfWorkFactory, organisation: str,
                   office: str) -> list[Tenure]:
    """Every holder of an office in order, vacancies included, from run and imported elections.
    The one place the web reads the leadership record (`record_store.leaders`)."""
    return record_store.leaders(uow_factory, organisation, office)


def offices(uow_factory: UnitOfWorkFactory) -> list[tuple[str, str]]:
    """Every (organisation, office) an election was held for, in the order first defined."""
    seen: dict[tuple[str, str], None] = {}
    for e in queries.list_elections(uow_factory):
        seen.setdefault((e.organisation, e.office), None)
    return list(seen)


@dataclass(frozen=True)
class Candidacy:
    """One election a person stood in, with the figures: published ones for elections hustings
    ran (`run`), as recorded (strings) for imported ones."""

    slug: str
    title: str
    run: bool
    votes: int | str | None
    percentage: str | None
    outcome: str  # "won", "lost" or "pending" (no certified result yet)


@dataclass(frozen=True)
class PersonPage:
    name: str
    candidacies: tuple[Candidacy, ...]
    tenures: tuple[Tenure, ...]


def person_record(uow_factory: UnitOfWorkFactory, name: str) -> PersonPage:
    """Elections a person ran in (date order) and offices held (`record_store.person`), with
    each run election's published figures. NotFound when the record never mentions them."""
    from hustings.services.results import published_result

    found = record_store.person(uow_factory, name)
    run = {e.slug: e for e in queries.list_elections(uow_factory)}
    rows = []
    for slug in found.ran:
        outcome = "won" if slug in found.won else "lost" if slug in found.lost else "pending"
        if slug in run:
            data = published_result(uow_factory, slug)
            mine = next((c for c in data["candidates"] if c["name"] == found.name
                         and data["precincts"]["reporting"]), None)
            rows.append(Candidacy(slug, run[slug].title, True, mine["votes"] if mine else None,
                                  mine["percentage"] if mine else None, outcome))
        else:
            record = record_store.recorded_election(uow_factory, slug)
            them = next((c for c in record.candidates if c.name == found.name), None)
            rows.append(Candidacy(slug, record.title, False, them.votes if them else None,
                                  them.percentage.rstrip("%") if them and them.percentage
                                  else None, outcome))
    return PersonPage(found.name, tuple(rows), found.tenures)
