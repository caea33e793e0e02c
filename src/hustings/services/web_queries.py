"""Read-only queries the web pages need beyond `queries` and `results`.

Organisation, office and body *names* are not exposed by the repositories yet, so they are read
back from the stored election definitions (the TOML blobs named by `election.create` entries).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hustings.domain.election import Election
from hustings.domain.errors import InvalidInput
from hustings.domain.polling import Poll, Precinct
from hustings.domain.users import User
from hustings.formats.election_toml import parse_election_toml
from hustings.services.elections import known_methods
from hustings.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class DefinitionNames:
    """Human names the definition file gave an election's organisation, office and body."""

    organisation: str
    office: str
    body: str


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
                                              definition.office.name, definition.body.name)
    return found


def find_user(uow_factory: UnitOfWorkFactory, username: str) -> User | None:
    """The account called `username`, or None."""
    with uow_factory() as uow:
        return uow.users.get(username)
