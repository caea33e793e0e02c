"""Atomicity: a file rejected half-way, or a process killed mid-import, changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import tests.identities as ids
from hustings.bootstrap import ScratchSqlite
from hustings.domain.errors import InvalidInput
from hustings.services import audit_log, members, tallies
from tests.integrity.builders import SLUG, build, members_csv, table_counts

HEAD = b"precinct,registered,ballots_cast,ann,bob,blank,invalid\n"


def codes(n: int) -> list[str]:
    return [f"P{i:03d}" for i in range(n)]


def test_a_tally_file_bad_at_line_500_changes_nothing(uow_factory: Any, container: Any) -> None:
    build(uow_factory, roll=dict.fromkeys(codes(600), 3))
    rows = [f"{c},3,3,2,1,0,0".encode() for c in codes(600)]
    rows[498] = rows[498].replace(b",3,3,", b",4,3,")  # file line 500: registered is wrong
    clerk = ids.ctx(uow_factory, "clerk-a")
    before = table_counts(container.engine)
    with pytest.raises(InvalidInput, match=r"t\.csv:500 \[registered\]: registered = 4, but "
                                           "the frozen roll has 3 voters in 'P498'"):
        tallies.import_tallies(uow_factory, SLUG, HEAD + b"\n".join(rows) + b"\n", "t.csv",
                               clerk)
    assert table_counts(container.engine) == before


def test_a_members_file_bad_at_line_500_changes_nothing(uow_factory: Any,
                                                        container: Any) -> None:
    build(uow_factory)  # its members are N000000...
    lines = members_csv({"X": 600}).splitlines()
    lines[499] = b"N000003,Already a member,2020-01-01,good,N"  # file line 500
    before = table_counts(container.engine)
    with pytest.raises(InvalidInput, match=r"m\.csv:500 \[member_id\]: member id 'N000003' is "
                                           "already a member"):
        members.import_members(uow_factory, "members", b"\n".join(lines) + b"\n", "m.csv",
                               ids.ctx(uow_factory, "committee"))
    lines[499] = b"X000498,Bad date,2020-13-01,good,X"
    with pytest.raises(InvalidInput, match=r"m\.csv:500"):
        members.import_members(uow_factory, "members", b"\n".join(lines) + b"\n", "m.csv",
                               ids.ctx(uow_factory, "committee"))
    assert table_counts(container.engine) == before


def test_an_impossible_join_date_is_rejected() -> None:
    from hustings.formats.csv_tables import read_members

    with pytest.raises(InvalidInput, match="'2020-02-30' is not a date"):
        read_members(b"member_id,name,joined,standing,precinct\nX1,A,2020-02-30,good,X\n",
                     "m.csv")


def _writing(container: Any, wal: Path | None, stored: int) -> bool:
    """Is the import writing member rows? (SQLite: the WAL has grown past the stored file;
    PostgreSQL: the import's COPY into members is running.)"""
    if wal is not None:
        return wal.exists() and wal.stat().st_size > stored + (8 << 20)
    with container.engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND query ILIKE 'COPY members%'")).scalar())


def test_a_members_import_killed_mid_way_leaves_nothing(uow_factory: Any, container: Any,
                                                        tmp_path: Path) -> None:
    build(uow_factory)
    big = tmp_path / "big.csv"
    big.write_bytes(members_csv({"N": 1_500_000}).replace(b"N0", b"B0"))
    url = container.settings.database_url
    before = table_counts(container.engine)
    wal = Path(url.removeprefix("sqlite:///") + "-wal") if url.startswith("sqlite") else None
    exe = Path(sys.executable).with_name("hustings")
    proc = subprocess.Popen([str(exe), "--db", url, "members", "import", "members", str(big)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, **ids.env()})
    deadline = time.monotonic() + 60
    while not _writing(container, wal, big.stat().st_size):
        assert proc.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    container.engine.dispose()
    deadline = time.monotonic() + 30
    while table_counts(container.engine) != before and time.monotonic() < deadline:
        time.sleep(0.2)  # PostgreSQL rolls back once it notices the client is gone
    assert table_counts(container.engine) == before
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems
