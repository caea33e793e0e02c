"""Durability on SQLite: `synchronous=FULL`, and a power-loss simulation — the database files
copied while a large transaction is half written (its pages already spilled into the WAL) open
to the state before it, whole; copied after the commit, to the state after it, whole."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from hustings.bootstrap import Container, Settings
from hustings.domain.users import Role, User
from hustings.services.users import create_user
from tests import identities as ids

BLOB = 64 * 1024


def _copy(db: Path, to: Path) -> Path:
    """What a power cut would leave on the disk: the database file and its WAL, as they are
    now (the -shm index is rebuilt from the WAL on opening)."""
    to.mkdir()
    for suffix in ("", "-wal"):
        source = Path(f"{db}{suffix}")
        if source.exists():
            shutil.copyfile(source, to / f"{db.name}{suffix}")
    return to / db.name


def _state(db: Path) -> tuple[str, int, int, list[str]]:
    """(integrity check, blobs, audit entries, users) of a copied database."""
    conn = sqlite3.connect(db)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        blobs = conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
        audit = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        users = [r[0] for r in conn.execute("SELECT username FROM users ORDER BY username")]
        return check, blobs, audit, users
    finally:
        conn.close()


def test_copies_taken_mid_transaction_open_to_all_or_nothing(sqlite_template: Path,
                                                             tmp_path: Path) -> None:
    db = tmp_path / "live" / "h.db"
    db.parent.mkdir()
    shutil.copyfile(sqlite_template, db)
    container = Container(Settings(f"sqlite:///{db}"))
    try:
        factory = container.uow_factory
        create_user(factory, "before", ids.PASSWORD, "clerk", ids.ctx(factory))
        with container.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL

        with factory() as uow:
            uow.begin_write()
            uow.users.add(User("during", Role.CLERK, "x"), datetime.now(UTC))
            for i in range(400):  # ~25 MB: far more than the page cache, so pages spill
                uow.blobs.put(i.to_bytes(4, "big") * (BLOB // 4))
            wal = Path(f"{db}-wal")
            assert wal.exists() and wal.stat().st_size > 10 * 1024 * 1024  # half written
            mid = _copy(db, tmp_path / "mid")
        after_rollback = _copy(db, tmp_path / "rolled-back")

        with factory() as uow:
            uow.begin_write()
            for i in range(50):
                uow.blobs.put(b"kept" + i.to_bytes(4, "big") * (BLOB // 4))
            uow.commit()
        committed = _copy(db, tmp_path / "committed")
    finally:
        container.close()

    assert _state(mid) == ("ok", 0, 2, ["before", "test-admin"])  # nothing of the open transaction
    assert _state(after_rollback) == ("ok", 0, 2, ["before", "test-admin"])
    assert _state(committed) == ("ok", 50, 2, ["before", "test-admin"])  # all of the committed one
