"""Engines: SQLite by default (a file, WAL mode, foreign keys on), PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, NoSuchModuleError
from sqlalchemy.exc import OperationalError as SqlOperationalError

from hustings.domain.errors import Unavailable

SUPPORTED = ("sqlite", "postgresql")
WRITE_OPTION = "hustings_write"  # a connection's execution option: this transaction writes


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use psycopg 3 for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def safe_url(url: str) -> str:
    """The URL as it may be shown: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://…" if "://" in url else "(not a URL)"


def _reason(error: BaseException) -> str:
    """The driver's own first line (e.g. 'connection refused', 'database "x" does not
    exist', 'unable to open database file'), without SQLAlchemy's background links."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


def unavailable(error: BaseException, url: str) -> Unavailable | None:
    """`Unavailable` naming the URL (without password) and what failed, when `error` is a
    failure to reach or open the database; None for every other error."""
    if isinstance(error, SqlOperationalError | InterfaceError):
        return Unavailable(f"cannot use the database {safe_url(url)}: {_reason(error)}")
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return Unavailable(f"lost the database {safe_url(url)}: {_reason(error)}")
    return None


@contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Raise `unavailable(...)` for failures to reach the database; others pass unchanged."""
    try:
        yield
    except DBAPIError as exc:
        translated = unavailable(exc, url)
        if translated is None:
            raise
        raise translated from exc


def make_engine(url: str) -> Engine:
    """An engine for a supported URL; `Unavailable` naming the URL otherwise."""
    url = normalise_url(url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise Unavailable(f"{safe_url(url)!r} is not a database URL (expected "
                          f"sqlite:///FILE or postgresql://USER@HOST/DB)") from None
    if backend not in SUPPORTED:
        raise Unavailable(f"cannot use the database {safe_url(url)}: {backend} is not "
                          f"supported (use sqlite:///FILE or postgresql://USER@HOST/DB)")
    try:
        return _make_engine(url)
    except (NoSuchModuleError, ImportError, ArgumentError) as exc:
        raise Unavailable(f"cannot use the database {safe_url(url)}: {exc}") from exc


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's BEGIN reach SQLite so a transaction is a real transaction.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # FULL: a committed entry survives power loss, not only a crash of the process
            # (WAL with NORMAL may lose the last transactions). See docs/integrity.md.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Writers take the write lock at once (`SqlUnitOfWork.begin_write`); readers take
            # none: in WAL mode a deferred transaction reads a consistent snapshot.
            write = conn.get_execution_options().get(WRITE_OPTION, False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)
