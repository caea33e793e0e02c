"""Frozen rolls: copied from a body's members by the eligibility rule, in SQL, in one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, insert, literal, select

from hustings.domain.eligibility import EligibilityRule
from hustings.storage import tables as t
from hustings.storage.ids import Ids


class SqlRollRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids
        self._counts: dict[str, dict[str, int]] = {}  # a frozen roll never changes

    def _eligible(self, body: str, rule: EligibilityRule) -> Any:
        conditions = [t.members.c.body_id == self.ids.body(body),
                      t.members.c.joined <= rule.joined_by]
        if rule.require_good_standing:
            conditions.append(t.members.c.standing == "good")
        return and_(*conditions)

    def freeze(self, election: str, body: str, rule: EligibilityRule,
               precincts: list[str] | None = None) -> None:
        """Copy `body`'s eligible members onto the roll (only into `precincts` when given:
        an electoral college's section)."""
        eid = self.ids.election(election)
        conditions = [self._eligible(body, rule)]
        if precincts is not None:
            conditions.append(t.precincts.c.code.in_(precincts))
        source = (select(literal(eid, t.roll_entries.c.election_id.type), t.members.c.id,
                         t.precincts.c.id)
                  .select_from(t.members.join(t.precincts, and_(
                      t.precincts.c.election_id == eid,
                      t.precincts.c.code == t.members.c.precinct)))
                  .where(*conditions))
        self.conn.execute(insert(t.roll_entries).from_select(
            ["election_id", "member_row_id", "precinct_id"], source))
        self._counts.pop(election, None)
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("ANALYZE roll_entries")

    def unplaced(self, election: str, body: str, rule: EligibilityRule,
                 precincts: list[str] | None = None) -> dict[str, int]:
        """Eligible members whose precinct is not one of the election's (or not one of
        `precincts` when given), by precinct code."""
        eid = self.ids.election(election)
        known: Any = select(t.precincts.c.code).where(t.precincts.c.election_id == eid)
        if precincts is not None:
            known = precincts
        precinct = func.coalesce(t.members.c.precinct, "")
        stmt = (select(precinct, func.count()).where(
            self._eligible(body, rule),
            (t.members.c.precinct.is_(None)) | (t.members.c.precinct.not_in(known)))
            .group_by(precinct))
        return {str(code): int(n) for code, n in self.conn.execute(stmt)}

    def is_frozen(self, election: str) -> bool:
        eid = self.ids.election(election)
        return self.conn.execute(select(t.roll_entries.c.election_id).where(
            t.roll_entries.c.election_id == eid).limit(1)).first() is not None

    def counts(self, election: str) -> dict[str, int]:
        """Voters per precinct (read once per transaction: a frozen roll does not change)."""
        if election in self._counts:
            return dict(self._counts[election])
        eid = self.ids.election(election)
        stmt = (select(t.precincts.c.code, func.count(t.roll_entries.c.member_row_id))
                .select_from(t.precincts.outerjoin(t.roll_entries, and_(
                    t.roll_entries.c.precinct_id == t.precincts.c.id,
                    t.roll_entries.c.election_id == eid)))
                .where(t.precincts.c.election_id == eid).group_by(t.precincts.c.code))
        found = {code: int(n) for code, n in self.conn.execute(stmt)}
        if any(found.values()):
            self._counts[election] = found
        return dict(found)
