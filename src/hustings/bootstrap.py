"""Composition root: settings -> engine (migrated) -> unit-of-work factory for the services.

Nothing heavy happens at import: SQLAlchemy and the storage layer load when an engine is first
needed, and Alembic only when the database's stored revision is not the newest migration.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import threading
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hustings.services.ports import ChangeChannel, UnitOfWork, UnitOfWorkFactory

DEFAULT_DATABASE_URL = "sqlite:///hustings.db"
_VERSIONS = Path(__file__).with_name("storage") / "migrations" / "versions"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None  # sessions, sign-in limits and change news shared in Redis

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        """`--db URL` wins, then HUSTINGS_DATABASE_URL, then ./hustings.db. HUSTINGS_REDIS_URL
        (optional) puts web sessions, sign-in limits and change news in Redis."""
        return cls(database_url or os.environ.get("HUSTINGS_DATABASE_URL")
                   or DEFAULT_DATABASE_URL, os.environ.get("HUSTINGS_REDIS_URL") or None)


def head_revision() -> str | None:
    """The newest migration's id, read from the shipped migration files (no Alembic import).

    The head is the revision no other migration names as its `down_revision`; with none or
    several heads found, None (the caller then lets Alembic decide).
    """
    revisions, downs = set(), set()
    for path in _VERSIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found:
            revisions.add(found.group(1))
            downs.update(_DOWN.findall(text))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


class Container:
    """What the entry points need, built on demand from settings. Nothing happens at import."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def engine(self) -> Any:
        from hustings.storage.engine import database_errors, make_engine

        with database_errors(self.settings.database_url):
            return make_engine(self.settings.database_url)

    def migrate(self) -> str | None:
        """Bring the schema to the newest migration; return the revision. `Unavailable`
        when the database cannot be reached or opened."""
        from hustings.storage.engine import database_errors
        from hustings.storage.migrate import current_revision, upgrade

        with database_errors(self.settings.database_url):
            upgrade(self.engine)
            return current_revision(self.engine)

    def stored_revision(self) -> str | None:
        """The revision the database says it is at (None: no schema yet). One cheap query."""
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        try:
            with self.engine.connect() as conn:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError:  # no alembic_version table: a new database
            return None
        return rows[0][0] if len(rows) == 1 else None

    def ensure_schema(self) -> None:
        """Migrate only when the stored revision is not the shipped head (checked cheaply)."""
        from hustings.storage.engine import database_errors

        head = head_revision()
        with database_errors(self.settings.database_url):
            stored = self.stored_revision()
        if head is None or stored != head:
            self.migrate()

    @cached_property
    def uow_factory(self) -> UnitOfWorkFactory:
        from hustings.storage.uow import SqlUnitOfWork

        self.ensure_schema()
        engine = self.engine
        shared = self.redis_repos

        def factory() -> UnitOfWork:
            return SqlUnitOfWork(engine, shared)

        return factory

    @cached_property
    def redis(self) -> Any:
        """The Redis client of $HUSTINGS_REDIS_URL (checked with a PING), or None when unset.
        `Unavailable` naming the URL without its password when Redis cannot be used."""
        if not self.settings.redis_url:
            return None
        from hustings.storage.redis_store import connect

        return connect(self.settings.redis_url)

    @cached_property
    def redis_repos(self) -> Any:
        """Web sessions and failed sign-ins in Redis (when configured), else None."""
        if self.redis is None:
            return None
        from hustings.storage.redis_store import RedisSessionRepo, RedisSigninFailureRepo

        url, prefix = str(self.settings.redis_url), self._redis_prefix()
        return _Shared(RedisSessionRepo(self.redis, prefix, url),
                       RedisSigninFailureRepo(self.redis, prefix, url))

    def _redis_prefix(self) -> str:
        from hustings.storage.redis_store import prefix_for

        return prefix_for(self.settings.database_url)

    def change_channel(self) -> ChangeChannel | None:
        """How the processes serving this database tell each other of changes: Redis pub/sub
        when configured, else PostgreSQL's LISTEN/NOTIFY, else None (SQLite alone: each
        process polls)."""
        if self.redis is not None:
            from hustings.storage.redis_store import RedisChanges

            return RedisChanges(self.redis, self._redis_prefix(), str(self.settings.redis_url))
        if self.engine.dialect.name == "postgresql":
            from hustings.storage.notify_pg import PgChanges

            return PgChanges(self.engine)
        return None

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        if self.__dict__.get("redis") is not None:
            self.redis.close()


@dataclass(frozen=True)
class _Shared:
    """Repositories kept outside the database (see `Container.redis_repos`)."""

    sessions: Any
    signin_failures: Any


class ScratchSqlite:
    """An empty SQLite database in a temporary folder, migrated to head (for `log verify`),
    or a copy of a kept one (`copy_of`)."""

    def __init__(self, copy_of: str | None = None) -> None:
        import shutil
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="hustings-verify-")
        self._path = Path(self._dir.name) / "scratch.db"
        if copy_of is not None:
            shutil.copyfile(copy_of, self._path)
        self._container = Container(Settings(f"sqlite:///{self._path}"))

    @property
    def uow_factory(self) -> UnitOfWorkFactory:
        return self._container.uow_factory

    def keep(self, path: str) -> None:
        """Close it and keep it at `path` (replacing what was there)."""
        import os as _os
        import shutil

        self._container.close()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".part")
        shutil.copyfile(self._path, temporary)
        _os.replace(temporary, target)
        self._dir.cleanup()

    def close(self) -> None:
        self._container.close()
        self._dir.cleanup()


def verified_replica(database_url: str) -> str:
    """Where `log checkpoint` keeps the state it verified (a SQLite file), for `log verify` to
    replay only the entries made since: beside a SQLite database, else under
    $HUSTINGS_VERIFIED_DIR or $XDG_STATE_HOME/hustings/verified/."""
    import hashlib

    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return database_url.removeprefix("sqlite:///") + ".verified"
    base = os.environ.get("HUSTINGS_VERIFIED_DIR") or str(
        Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        / "hustings" / "verified")
    return str(Path(base) / (hashlib.sha256(database_url.encode()).hexdigest()[:24] + ".db"))


# --- incidents: unexpected errors, logged for the operator, summarised for the user ---------

_incident_lock = threading.Lock()


def incident_log() -> Path:
    """$HUSTINGS_INCIDENT_LOG, else $XDG_STATE_HOME/hustings/incidents.log
    (~/.local/state/hustings/incidents.log)."""
    configured = os.environ.get("HUSTINGS_INCIDENT_LOG")
    if configured:
        return Path(configured)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "hustings" / "incidents.log"


def record_incident(error: BaseException, where: str) -> tuple[str, Path | None]:
    """Append the error's traceback to the incident log under a new incident id.

    Returns (id, the log's path); the path is None when no log could be written (then the
    id still identifies the moment for the operator, and the user sees no traceback)."""
    incident = secrets.token_hex(4)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    text = (f"--- incident {incident} at {stamp} in {where}\n"
            + "".join(traceback.format_exception(error)))
    for path in (incident_log(), Path(tempfile.gettempdir()) / "hustings-incidents.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _incident_lock, path.open("a", encoding="utf-8") as log:
                log.write(text)
            return incident, path
        except OSError:
            continue
    return incident, None
