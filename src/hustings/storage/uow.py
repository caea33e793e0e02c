"""The unit of work: one connection, one transaction, every repository."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from hustings.domain.errors import Unavailable
from hustings.storage.digests import Tracker, running_digests, scan_digests
from hustings.storage.engine import WRITE_OPTION, database_errors, unavailable
from hustings.storage.ids import Ids
from hustings.storage.repo_audit import SqlAuditRepo, SqlBlobRepo
from hustings.storage.repo_elections import SqlElectionRepo
from hustings.storage.repo_integrity import SqlDisputeRepo, SqlTenureRepo, SqlVersionRepo
from hustings.storage.repo_members import SqlMemberRepo
from hustings.storage.repo_online import SqlOnlineRepo
from hustings.storage.repo_organisations import SqlOrganisationRepo
from hustings.storage.repo_polls import SqlBatchRepo, SqlPollRepo, SqlPrecinctRepo, SqlSheetRepo
from hustings.storage.repo_record import SqlRecordRepo
from hustings.storage.repo_roll import SqlRollRepo
from hustings.storage.repo_users import SqlSessionRepo, SqlSigninFailureRepo, SqlUserRepo
from hustings.storage.snapshot import snapshot

_WRITERS: dict[int, threading.Lock] = {}  # SQLite: one writer queue per engine, in process
_WRITERS_LOCK = threading.Lock()


def _writer_queue(engine: Engine) -> threading.Lock:
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(id(engine), threading.Lock())


class SqlUnitOfWork:
    """Reads begin a plain transaction at their first query (SQLite: deferred, no lock);
    `begin_write` begins one holding the writer lock. A lost or unreachable database is
    `Unavailable`, naming the URL without its password.

    SQLite: writers of one process (the web server's threads) first queue on an in-process
    lock, then take SQLite's. Without it, a writer that finds the database locked sleeps in
    SQLite's busy handler (up to 100 ms a try) even when the lock is free again a millisecond
    later: under concurrent casts that polling, not the work, made the latency (its tail of
    seconds). PostgreSQL's advisory lock already queues its waiters and wakes them at once."""

    def __init__(self, engine: Engine, shared: Any = None):
        """`shared`: an object with `sessions` and `signin_failures` repositories kept outside
        the database (Redis, `storage.redis_store`); None keeps them in the database."""
        self.engine = engine
        self.shared = shared
        self._conn: Connection | None = None
        self._queued: threading.Lock | None = None

    def _url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def __enter__(self) -> SqlUnitOfWork:
        with database_errors(self._url()):
            conn = self.engine.connect()
        self._conn = conn
        self.digests = Tracker(conn)
        self.digests.attach()
        ids = Ids(conn)
        self.organisations = SqlOrganisationRepo(conn, ids)
        self.elections = SqlElectionRepo(conn, ids)
        self.members = SqlMemberRepo(conn, ids, self.digests)
        self.precincts = SqlPrecinctRepo(conn, ids)
        self.roll = SqlRollRepo(conn, ids)
        self.polls = SqlPollRepo(conn, ids)
        self.sheets = SqlSheetRepo(conn, ids)
        self.batches = SqlBatchRepo(conn, ids)
        self.blobs = SqlBlobRepo(conn)
        self.audit = SqlAuditRepo(conn)
        self.users = SqlUserRepo(conn)
        if self.shared is None:
            self.sessions = SqlSessionRepo(conn)
            self.signin_failures = SqlSigninFailureRepo(conn)
        else:
            self.sessions = self.shared.sessions
            self.signin_failures = self.shared.signin_failures
        self.disputes = SqlDisputeRepo(conn, ids)
        self.versions = SqlVersionRepo(conn, ids)
        self.tenures = SqlTenureRepo(conn, ids)
        self.record = SqlRecordRepo(conn, ids)
        self.online = SqlOnlineRepo(conn, ids)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._conn is not None
        try:
            with database_errors(self._url()):
                try:
                    if self._conn.in_transaction():
                        self._conn.rollback()
                finally:
                    self.digests.detach()
                    self._conn.close()
                    self._conn = None
                    self._leave_queue()
        except Unavailable:
            if exc is None:
                raise
        if exc is not None and (translated := unavailable(exc, self._url())) is not None:
            raise translated from exc

    def begin_write(self) -> None:
        """Serialise writers: SQLite's BEGIN IMMEDIATE does it; PostgreSQL takes a lock held to
        the end of the transaction, so the audit chain never forks. Call it first."""
        conn = self._conn
        assert conn is not None
        if conn.in_transaction():
            raise RuntimeError("begin_write() must come before the unit of work's first query")
        conn.execution_options(**{WRITE_OPTION: True})
        if conn.dialect.name == "sqlite" and self._queued is None:
            queue = _writer_queue(self.engine)
            if not queue.acquire(timeout=30):  # as long as SQLite's own busy timeout
                raise Unavailable(f"the database {self._url()} is locked by another writer "
                                  "(waited 30 s)")
            self._queued = queue
        with database_errors(self._url()):
            conn.begin()
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7263)")

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        assert self._conn is not None
        return snapshot(self._conn)

    def state_digests(self, tables: set[str] | None = None) -> dict[str, str]:
        assert self._conn is not None
        return scan_digests(self._conn, tables)

    def running_digests(self) -> dict[str, str]:
        """The digests kept in `state_digests`, updated by every write (no table read)."""
        assert self._conn is not None
        return running_digests(self._conn)

    def table_rows(self, tables: set[str]) -> dict[str, list[tuple[Any, ...]]]:
        """The canonical rows of these tables only (to name what differs)."""
        assert self._conn is not None
        return {k: v for k, v in snapshot(self._conn).items() if k in tables}

    def commit(self) -> None:
        assert self._conn is not None
        try:
            self.digests.flush()
            self._conn.commit()
        finally:
            self._leave_queue()

    def _leave_queue(self) -> None:
        if self._queued is not None:
            self._queued.release()
            self._queued = None
