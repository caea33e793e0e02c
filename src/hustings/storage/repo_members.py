"""Members of bodies: streamed in batches; COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
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
        bid = self.ids.body(body)
        n = len(members)
        if self.conn.dialect.name == "postgresql":
            self._copy(bid, members, joined, progress)
        else:
            for start in range(0, n, BATCH):
                stop = min(start + BATCH, n)
                self.conn.execute(t.members.insert(), [
                    {"body_id": bid, "member_id": members.member_id[i], "name": members.name[i],
                     "joined": joined[i], "standing": members.standing[i],
                     "precinct": members.precinct[i]}
                    for i in range(start, stop)
                ])
                if progress:
                    progress(stop - start)
        return n

    def _copy(self, bid: int, members: Any, joined: list[date],
              progress: Callable[[int], None] | None) -> None:
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur:  # type: ignore[union-attr]
            with cur.copy("COPY members (body_id, member_id, name, joined, standing, precinct) "
                          "FROM STDIN") as copy:
                for i in range(len(members)):
                    copy.write_row((bid, members.member_id[i], members.name[i], joined[i],
                                    members.standing[i], members.precinct[i]))
                    if progress and (i + 1) % BATCH == 0:
                        progress(BATCH)
        if progress and len(members) % BATCH:
            progress(len(members) % BATCH)

    def count(self, body: str) -> int:
        bid = self.ids.body(body)
        return int(self.conn.execute(select(func.count()).select_from(t.members).where(
            t.members.c.body_id == bid)).scalar_one())
