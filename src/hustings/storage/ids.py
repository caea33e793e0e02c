"""Slug -> row id look-ups shared by the repositories of one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select

from hustings.domain.errors import NotFound
from hustings.storage import tables as t


class Ids:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._cache: dict[tuple[str, ...], int] = {}

    def _one(self, key: tuple[str, ...], stmt: Callable[[], Any], what: str) -> int:
        """The cached id, or the statement's (built only when the id is not cached)."""
        if key not in self._cache:
            row = self.conn.execute(stmt()).first()
            if row is None:
                raise NotFound(what)
            self._cache[key] = int(row[0])
        return self._cache[key]

    def organisation(self, slug: str) -> int:
        return self._one(("org", slug), lambda: select(t.organisations.c.id).where(
            t.organisations.c.slug == slug), f"no organisation {slug!r}")

    def body(self, slug: str) -> int:
        return self._one(("body", slug), lambda: select(t.bodies.c.id).where(
            t.bodies.c.slug == slug), f"no body {slug!r}")

    def election(self, slug: str) -> int:
        return self._one(("election", slug), lambda: select(t.elections.c.id).where(
            t.elections.c.slug == slug), f"no election {slug!r}")

    def precinct(self, election: str, code: str) -> int:
        if ("precinct", election, code) in self._cache:
            return self._cache[("precinct", election, code)]
        eid = self.election(election)
        return self._one(("precinct", election, code), lambda: select(t.precincts.c.id).where(
            t.precincts.c.election_id == eid, t.precincts.c.code == code),
            f"no precinct {code!r} in election {election!r}")

    def precincts(self, election: str, codes: list[str]) -> list[int]:
        """Many precincts' ids at once (one query for those not yet known)."""
        eid = self.election(election)
        missing = [c for c in dict.fromkeys(codes) if ("precinct", election, c) not in self._cache]
        if missing:
            rows = self.conn.execute(select(t.precincts.c.code, t.precincts.c.id).where(
                t.precincts.c.election_id == eid))
            for code, pid in rows:
                self._cache[("precinct", election, code)] = int(pid)
        unknown = [c for c in codes if ("precinct", election, c) not in self._cache]
        if unknown:
            raise NotFound(f"no precinct {unknown[0]!r} in election {election!r}")
        return [self._cache[("precinct", election, c)] for c in codes]

    def poll(self, election: str, key: str) -> int:
        if ("poll", election, key) in self._cache:
            return self._cache[("poll", election, key)]
        eid = self.election(election)
        return self._one(("poll", election, key), lambda: select(t.polls.c.id).where(
            t.polls.c.election_id == eid, t.polls.c.key == key),
            f"no poll {key!r} in election {election!r}")

    def forget(self) -> None:
        self._cache.clear()
