"""Frozen rolls: copied from a body's members by the eligibility rule, in SQL, in one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, insert, literal, select, text
from sqlalchemy.schema import AddConstraint, DropConstraint

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
        copy = insert(t.roll_entries).from_select(
            ["election_id", "member_row_id", "precinct_id"], source)
        if self.conn.dialect.name == "postgresql" and self._bulk(body):
            # PostgreSQL checks each new row's three foreign keys one row at a time (a trigger
            # call each, about 20 us a row: 10 of the 14 s of a 500,000-voter freeze); dropped
            # and added back, each is checked once for the whole table in one join (about
            # 0.8 s for 500,000 rows), as the manual advises for bulk loads ("Populating a
            # Database"). All in this transaction: a failure leaves the constraints as they
            # were. The rows come from members and precincts by join, so they always pass.
            keys = sorted(t.roll_entries.foreign_key_constraints, key=lambda k: str(k.name))
            for key in keys:
                self.conn.execute(DropConstraint(key))
            self.conn.execute(copy)
            for key in keys:
                self.conn.execute(AddConstraint(key))
        else:
            self.conn.execute(copy)
        self._counts.pop(election, None)
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("ANALYZE roll_entries")

    BULK_FROM = 1000  # members in the body from which a PostgreSQL freeze loads in bulk

    def _bulk(self, body: str) -> bool:
        """Whether to check the new rows' foreign keys in bulk: a roll of at least BULK_FROM
        members, and no more than ten times as many rows already in the table (re-checking
        them costs about a tenth of checking a new row one at a time)."""
        members = self.conn.execute(select(func.count()).select_from(t.members).where(
            t.members.c.body_id == self.ids.body(body))).scalar_one()
        rows = self.conn.execute(text(
            "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'roll_entries'::regclass"
        )).scalar_one()
        return bool(members >= self.BULK_FROM and rows <= 10 * members)

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
