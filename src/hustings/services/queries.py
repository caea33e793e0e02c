"""Small read-only queries shared by the CLI and the web."""

from __future__ import annotations

from typing import Any

from hustings.domain.disputes import Dispute, Ruling
from hustings.domain.election import Election
from hustings.domain.record import Tenure
from hustings.domain.users import User
from hustings.services.count import count_election
from hustings.services.ports import UnitOfWorkFactory


def get_election(uow_factory: UnitOfWorkFactory, slug: str) -> Election:
    with uow_factory() as uow:
        return uow.elections.get(slug)


def list_elections(uow_factory: UnitOfWorkFactory) -> list[Election]:
    with uow_factory() as uow:
        return uow.elections.all()


def list_users(uow_factory: UnitOfWorkFactory) -> list[User]:
    with uow_factory() as uow:
        return uow.users.all()


def list_disputes(uow_factory: UnitOfWorkFactory, slug: str) -> list[tuple[Dispute, Ruling | None]]:
    with uow_factory() as uow:
        return uow.disputes.all(slug)


def tenures(uow_factory: UnitOfWorkFactory, organisation: str, office: str) -> list[Tenure]:
    with uow_factory() as uow:
        return uow.tenures.all(organisation, office)


def precinct_statuses(uow_factory: UnitOfWorkFactory, slug: str) -> list[tuple[int, Any]]:
    """(round, PrecinctCount) for every precinct of every round."""
    with uow_factory() as uow:
        count = count_election(uow, slug)
    return [(r.number, p) for r in count.rounds for p in r.precincts]


def sheet_standing(uow_factory: UnitOfWorkFactory, slug: str, poll: str) -> dict[str, int]:
    """How many of the poll's precincts stand where: `accepted`, `awaiting second entry`,
    `mismatch` (precincts with no entry are not counted)."""
    standing: dict[str, int] = {}
    seen: set[str] = set()
    for _round, p in precinct_statuses(uow_factory, slug):
        if p.poll == poll and p.code not in seen and p.reconciliation.clerks:
            seen.add(p.code)
            status = p.reconciliation.status
            standing[status] = standing.get(status, 0) + 1
    return standing
