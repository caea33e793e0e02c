"""Members of bodies: streamed in batches on SQLite; one vectorised CSV COPY on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from itertools import islice, repeat
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Connection, func, select, text

from hustings.storage import tables as t
from hustings.storage.digests import Tracker
from hustings.storage.ids import Ids

BATCH = 50_000
BULK = 10_000  # from this many rows, PostgreSQL checks the body's foreign key once, not per row
MEMBERS_FK = "fk_members_body_id_bodies"  # the migration's name for members.body_id -> bodies
COPY_CHUNK = 8 << 20


class SqlMemberRepo:
    def __init__(self, conn: Connection, ids: Ids, digests: Tracker):
        self.conn, self.ids, self.digests = conn, ids, digests

    def existing_ids(self, body: str, ids: list[str]) -> set[str]:
        bid = self.ids.body(body)
        if self.count(body) == 0:
            return set()
        found: set[str] = set()
        for start in range(0, len(ids), 5_000):
            chunk = ids[start:start + 5_000]
            found.update(self.conn.execute(select(t.members.c.member_id).where(
                t.members.c.body_id == bid, t.members.c.member_id.in_(chunk))).scalars())
        return found

    def add_many(self, body: str, members: Any, joined: list[date],
                 progress: Callable[[int], None] | None = None) -> int:
        """Stream rows in batches through the driver (COPY on PostgreSQL), parameterised."""
        bid = self.ids.body(body)
        n = len(members)
        days = [d.isoformat() for d in joined]
        rows = zip(repeat(bid), members.member_id, members.name, days, members.standing,
                   members.precinct, strict=False)
        last = self.digests.last_id(t.members)
        if self.conn.dialect.name == "postgresql":
            self._copy(bid, members, progress)
            # fresh statistics in the same transaction: without them the planner takes the
            # table for empty and the roll's per-precinct counts run for minutes
            self.conn.exec_driver_sql("ANALYZE members")
            self.digests.inserted_after(t.members, last)  # the driver's rows: digested here
            return n
        raw = self.conn.connection.driver_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            for start in range(0, n, BATCH):
                cursor.executemany(
                    "INSERT INTO members (body_id, member_id, name, joined, standing, precinct)"
                    " VALUES (?, ?, ?, ?, ?, ?)", islice(rows, BATCH))
                if progress:
                    progress(min(BATCH, n - start))
        finally:
            cursor.close()
        self.digests.inserted_after(t.members, last)  # the driver's rows: digested here
        return n

    def _copy(self, bid: int, members: Any, progress: Callable[[int], None] | None) -> None:
        """COPY the rows as CSV written by pyarrow (no per-row Python).

        For a large import the per-row foreign-key trigger costs more than the load itself, so
        the constraint is dropped and re-added, validated, in the same transaction: the import
        stays atomic and every row is still checked against `bodies`.
        """
        n = len(members)
        table = pa.table({
            "body_id": pa.array(np.full(n, bid, dtype=np.int64)),
            "member_id": pa.array(members.member_id, pa.string()),
            "name": pa.array(members.name, pa.string()),
            "joined": pa.array(np.asarray(members.joined, dtype="datetime64[D]")),
            "standing": pa.array(members.standing, pa.string()),
            "precinct": pa.array(members.precinct, pa.string()),
        })
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False,
                                                          quoting_style="all_valid"))
        data = buffer.getbuffer()
        bulk = n >= BULK
        if bulk:
            self.conn.execute(text(f"ALTER TABLE members DROP CONSTRAINT {MEMBERS_FK}"))
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            with cur.copy("COPY members (body_id, member_id, name, joined, standing, precinct) "
                          "FROM STDIN WITH (FORMAT csv)") as copy:
                for start in range(0, len(data), COPY_CHUNK):
                    copy.write(data[start:start + COPY_CHUNK])
                    if progress:
                        progress(n * min(COPY_CHUNK, len(data) - start) // len(data))
        if bulk:
            self.conn.execute(text(f"ALTER TABLE members ADD CONSTRAINT {MEMBERS_FK} "
                                   "FOREIGN KEY (body_id) REFERENCES bodies (id)"))

    def count(self, body: str) -> int:
        bid = self.ids.body(body)
        return int(self.conn.execute(select(func.count()).select_from(t.members).where(
            t.members.c.body_id == bid)).scalar_one())
