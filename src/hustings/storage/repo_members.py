"""Members of bodies: streamed in batches; COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import islice, repeat
from typing import Any

from sqlalchemy import Connection, func, select

from hustings.storage import tables as t
from hustings.storage.ids import Ids

BATCH = 50_000


class SqlMemberRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

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
        raw = self.conn.connection.driver_connection
        if self.conn.dialect.name == "postgresql":
            with raw.cursor() as cur:  # type: ignore[union-attr]
                with cur.copy("COPY members (body_id, member_id, name, joined, standing, "
                              "precinct) FROM STDIN") as copy:
                    for start in range(0, n, BATCH):
                        for row in islice(rows, BATCH):
                            copy.write_row(row)
                        if progress:
                            progress(min(BATCH, n - start))
            return n
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
        return n

    def count(self, body: str) -> int:
        bid = self.ids.body(body)
        return int(self.conn.execute(select(func.count()).select_from(t.members).where(
            t.members.c.body_id == bid)).scalar_one())
