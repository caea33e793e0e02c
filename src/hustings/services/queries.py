"""Small read-only queries shared by the CLI and the web."""

from __future__ import annotations

from hustings.domain.election import Election
from hustings.domain.users import User
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
