"""Slug -> row id look-ups shared by the repositories of one unit of work."""

from __future__ import annotations

from sqlalchemy import Connection, select

from hustings.domain.errors import NotFound
from hustings.storage import tables as t


class Ids:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._cache: dict[tuple[str, ...], int] = {}

    def _one(self, key: tuple[str, ...], stmt: object, what: str) -> int:
        if key not in self._cache:
            row = self.conn.execute(stmt).first()  # type: ignore[call-overload]
            if row is None:
                raise NotFound(what)
            self._cache[key] = int(row[0])
        return self._cache[key]

    def organisation(self, slug: str) -> int:
        return self._one(("org", slug), select(t.organisations.c.id).where(
            t.organisations.c.slug == slug), f"no organisation {slug!r}")

    def body(self, slug: str) -> int:
        return self._one(("body", slug), select(t.bodies.c.id).where(t.bodies.c.slug == slug),
                         f"no body {slug!r}")

    def election(self, slug: str) -> int:
        return self._one(("election", slug), select(t.elections.c.id).where(
            t.elections.c.slug == slug), f"no election {slug!r}")

    def precinct(self, election: str, code: str) -> int:
        eid = self.election(election)
        return self._one(("precinct", election, code), select(t.precincts.c.id).where(
            t.precincts.c.election_id == eid, t.precincts.c.code == code),
            f"no precinct {code!r} in election {election!r}")

    def poll(self, election: str, key: str) -> int:
        eid = self.election(election)
        return self._one(("poll", election, key), select(t.polls.c.id).where(
            t.polls.c.election_id == eid, t.polls.c.key == key),
            f"no poll {key!r} in election {election!r}")

    def forget(self) -> None:
        self._cache.clear()
