"""The unit of work: one connection, one transaction, every repository."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from hustings.storage.ids import Ids
from hustings.storage.repo_audit import SqlAuditRepo, SqlBlobRepo
from hustings.storage.repo_elections import SqlElectionRepo
from hustings.storage.repo_integrity import SqlDisputeRepo, SqlTenureRepo, SqlVersionRepo
from hustings.storage.repo_members import SqlMemberRepo
from hustings.storage.repo_organisations import SqlOrganisationRepo
from hustings.storage.repo_polls import SqlPollRepo, SqlPrecinctRepo, SqlSheetRepo
from hustings.storage.repo_record import SqlRecordRepo
from hustings.storage.repo_roll import SqlRollRepo
from hustings.storage.repo_users import SqlSessionRepo, SqlUserRepo
from hustings.storage.snapshot import snapshot


class SqlUnitOfWork:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        conn = self.engine.connect()
        conn.begin()
        self._conn = conn
        ids = Ids(conn)
        self.organisations = SqlOrganisationRepo(conn, ids)
        self.elections = SqlElectionRepo(conn, ids)
        self.members = SqlMemberRepo(conn, ids)
        self.precincts = SqlPrecinctRepo(conn, ids)
        self.roll = SqlRollRepo(conn, ids)
        self.polls = SqlPollRepo(conn, ids)
        self.sheets = SqlSheetRepo(conn, ids)
        self.blobs = SqlBlobRepo(conn)
        self.audit = SqlAuditRepo(conn)
        self.users = SqlUserRepo(conn)
        self.sessions = SqlSessionRepo(conn)
        self.disputes = SqlDisputeRepo(conn, ids)
        self.versions = SqlVersionRepo(conn, ids)
        self.tenures = SqlTenureRepo(conn, ids)
        self.record = SqlRecordRepo(conn, ids)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None

    def begin_write(self) -> None:
        """Serialise writers: SQLite's BEGIN IMMEDIATE does it; PostgreSQL takes a lock held to
        the end of the transaction, so the audit chain never forks."""
        assert self._conn is not None
        if self._conn.dialect.name == "postgresql":
            self._conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7263)")

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        assert self._conn is not None
        return snapshot(self._conn)

    def commit(self) -> None:
        assert self._conn is not None
        self._conn.commit()
