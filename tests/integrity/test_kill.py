"""SIGKILL in the middle of a tally import and of a re-vote ruling: nothing partial is left.

The process is killed while it holds the database's write lock, that is inside the command's
transaction (SQLite: another connection cannot BEGIN IMMEDIATE; PostgreSQL: the advisory
write lock is granted). Afterwards every table is as before and `log verify` passes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

import tests.identities as ids
from hustings.bootstrap import ScratchSqlite
from hustings.services import audit_log, tallies
from tests.integrity.builders import CLERKS, SLUG, build, table_counts

PRECINCTS = 3_000  # enough that each command runs for a good fraction of a second


def _codes() -> list[str]:
    return [f"P{i:04d}" for i in range(PRECINCTS)]


def _tally_csv(path: Path) -> Path:
    rows = ["precinct,registered,ballots_cast,ann,bob,blank,invalid"]
    rows += [f"{code},2,2,1,1,0,0" for code in _codes()]
    path.write_text("\n".join(rows) + "\n")
    return path


def _writing(container: Any) -> bool:
    """Does another process hold the write lock (inside a command's transaction)?"""
    url = container.settings.database_url
    if url.startswith("sqlite"):
        probe = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return True
        else:
            probe.rollback()
            return False
        finally:
            probe.close()
    with container.engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")).scalar())


def _kill_while_writing(container: Any, *argv: str, user: str = ids.ADMIN) -> None:
    exe = Path(sys.executable).with_name("hustings")
    ids.signer(container.uow_factory, user)
    proc = subprocess.Popen([str(exe), "--db", container.settings.database_url, *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **ids.env(user)})
    deadline = time.monotonic() + 120
    while not _writing(container):
        if proc.poll() is not None:
            error = proc.stderr.read().decode() if proc.stderr else ""
            raise AssertionError(f"the command ended before it could be killed: {error}")
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.05)  # well inside the transaction
    assert proc.poll() is None, "the command committed before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _assert_unchanged(container: Any, uow_factory: Any, before: dict[str, int]) -> None:
    container.engine.dispose()
    deadline = time.monotonic() + 30
    while table_counts(container.engine) != before and time.monotonic() < deadline:
        time.sleep(0.2)  # PostgreSQL rolls back once it notices the client is gone
    assert table_counts(container.engine) == before
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems


def test_a_tally_import_killed_mid_way_leaves_nothing(uow_factory: Any, container: Any,
                                                      tmp_path: Path) -> None:
    build(uow_factory, roll=dict.fromkeys(_codes(), 2))
    sheets = _tally_csv(tmp_path / "tally.csv")
    ids.signer(uow_factory, CLERKS[0])
    before = table_counts(container.engine)
    _kill_while_writing(container, "tally", "import", SLUG, str(sheets), "--clerk", CLERKS[0],
                        user=CLERKS[0])
    _assert_unchanged(container, uow_factory, before)


def test_a_revote_ruling_killed_mid_way_leaves_nothing(uow_factory: Any, container: Any,
                                                       tmp_path: Path) -> None:
    build(uow_factory, roll=dict.fromkeys(_codes(), 2))
    sheets = _tally_csv(tmp_path / "tally.csv").read_bytes()
    for clerk in CLERKS:
        tallies.import_tallies(uow_factory, SLUG, sheets, "tally.csv", ids.ctx(uow_factory, clerk))
    code = subprocess.run(
        [str(Path(sys.executable).with_name("hustings")), "--db",
         container.settings.database_url, "dispute", "file", SLUG, "--complaint",
         "Irregularities everywhere."], capture_output=True, text=True,
        env={**os.environ, **ids.env()})
    assert code.returncode == 0, code.stderr
    before = table_counts(container.engine)
    _kill_while_writing(container, "dispute", "rule", SLUG, "1", "--decision", "void-and-revote",
                        "--reasons", "Void; vote again.", "--revote-day", "2024-03-20")
    _assert_unchanged(container, uow_factory, before)
