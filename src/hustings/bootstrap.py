"""Composition root: settings -> engine (migrated) -> unit-of-work factory for the services."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from hustings.services.ports import UnitOfWork, UnitOfWorkFactory
from hustings.storage.engine import make_engine
from hustings.storage.migrate import current_revision, upgrade
from hustings.storage.uow import SqlUnitOfWork

DEFAULT_DATABASE_URL = "sqlite:///hustings.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        """`--db URL` wins, then HUSTINGS_DATABASE_URL, then ./hustings.db."""
        return cls(database_url or os.environ.get("HUSTINGS_DATABASE_URL")
                   or DEFAULT_DATABASE_URL)


class Container:
    """What the entry points need, built on demand from settings. Nothing happens at import."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def engine(self):  # type: ignore[no-untyped-def]
        return make_engine(self.settings.database_url)

    def migrate(self) -> str | None:
        """Bring the schema to the newest migration; return the revision."""
        upgrade(self.engine)
        return current_revision(self.engine)

    @cached_property
    def uow_factory(self) -> UnitOfWorkFactory:
        self.migrate()
        engine = self.engine

        def factory() -> UnitOfWork:
            return SqlUnitOfWork(engine)

        return factory

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


class ScratchSqlite:
    """An empty SQLite database in a temporary folder, migrated to head (for `log verify`)."""

    def __init__(self) -> None:
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="hustings-verify-")
        self._container = Container(Settings(f"sqlite:///{self._dir.name}/scratch.db"))

    @property
    def uow_factory(self) -> UnitOfWorkFactory:
        return self._container.uow_factory

    def close(self) -> None:
        self._container.close()
        self._dir.cleanup()
