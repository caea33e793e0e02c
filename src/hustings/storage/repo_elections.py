"""Elections and their candidates: explicit row <-> domain mapping."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import Connection, select

from hustings.domain.election import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionKind,
    ElectionStatus,
    PercentageBase,
    Returns,
    Section,
    Timetable,
)
from hustings.domain.eligibility import EligibilityRule
from hustings.domain.errors import NotFound
from hustings.storage import tables as t
from hustings.storage.ids import Ids


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class SqlElectionRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def _values(self, election: Election) -> dict[str, Any]:
        oid = self.ids.organisation(election.organisation)
        office_id = self.conn.execute(select(t.offices.c.id).where(
            t.offices.c.organisation_id == oid, t.offices.c.slug == election.office)).scalar_one()
        rule = election.eligibility
        timetable = {name: d.isoformat() for name, d in election.timetable.ordered_dates()}
        return dict(
            slug=election.slug, title=election.title, organisation_id=oid, office_id=office_id,
            body_id=self.ids.body(election.body), kind=election.kind.value,
            status=election.status.value, method=election.method, seats=election.seats,
            sheet_entries=election.sheet_entries,
            percentage_base=election.percentage_base.value,
            eligibility={"cutoff": rule.cutoff.isoformat(), "min_months": rule.min_months,
                         "require_good_standing": rule.require_good_standing},
            timetable=timetable, rules=dict(election.rules), returns=election.returns.value,
            sections=[{"key": s.key, "name": s.name, "body": s.body, "weight": str(s.weight)}
                      for s in election.sections] or None,
        )

    def add(self, election: Election) -> None:
        eid = self.conn.execute(t.elections.insert().values(
            **self._values(election))).inserted_primary_key[0]  # type: ignore[index]
        self._add_candidates(eid, election)

    def replace(self, election: Election) -> None:
        """An amended definition (draft or nominations only: the service checks)."""
        eid = self.ids.election(election.slug)
        self.conn.execute(t.elections.update().where(t.elections.c.id == eid)
                          .values(**self._values(election)))
        self.conn.execute(t.candidates.delete().where(t.candidates.c.election_id == eid))
        self._add_candidates(eid, election)

    def _add_candidates(self, eid: int, election: Election) -> None:
        self.conn.execute(t.candidates.insert(), [
            {"election_id": eid, "position": i, "key": c.key, "name": c.name,
             "ballot_name": c.ballot_name, "biography": c.biography, "portrait": c.portrait,
             "status": c.status.value}
            for i, c in enumerate(election.candidates)
        ])

    def exists(self, slug: str) -> bool:
        return self.conn.execute(select(t.elections.c.id).where(
            t.elections.c.slug == slug)).first() is not None

    def get(self, slug: str) -> Election:
        row = self.conn.execute(self._select().where(t.elections.c.slug == slug)).first()
        if row is None:
            raise NotFound(f"no election {slug!r}")
        return self._to_domain(row._mapping)

    def all(self) -> list[Election]:
        rows = self.conn.execute(self._select().order_by(t.elections.c.slug)).all()
        return [self._to_domain(r._mapping) for r in rows]

    def set_status(self, slug: str, status: ElectionStatus) -> None:
        self.conn.execute(t.elections.update().where(t.elections.c.slug == slug)
                          .values(status=status.value))

    def set_candidate_status(self, slug: str, key: str, status: str) -> None:
        eid = self.ids.election(slug)
        self.conn.execute(t.candidates.update().where(
            t.candidates.c.election_id == eid, t.candidates.c.key == key).values(status=status))

    @staticmethod
    def _select() -> Any:
        return (select(t.elections, t.organisations.c.slug.label("org_slug"),
                       t.offices.c.slug.label("office_slug"), t.bodies.c.slug.label("body_slug"))
                .join(t.organisations, t.organisations.c.id == t.elections.c.organisation_id)
                .join(t.offices, t.offices.c.id == t.elections.c.office_id)
                .join(t.bodies, t.bodies.c.id == t.elections.c.body_id))

    def _to_domain(self, row: Any) -> Election:
        cands = self.conn.execute(select(t.candidates).where(
            t.candidates.c.election_id == row["id"]).order_by(t.candidates.c.position)).all()
        eli = row["eligibility"]
        tt = row["timetable"]
        return Election(
            slug=row["slug"], title=row["title"], organisation=row["org_slug"],
            office=row["office_slug"], kind=ElectionKind(row["kind"]), body=row["body_slug"],
            eligibility=EligibilityRule(date.fromisoformat(eli["cutoff"]), eli["min_months"],
                                        eli["require_good_standing"]),
            method=row["method"],
            timetable=Timetable(**{k: _day(tt.get(k)) for k in (
                "nominations_open", "nominations_close", "roll_cutoff", "polling_day",
                "runoff_day")}),
            candidates=tuple(
                Candidate(c.key, c.name, c.ballot_name, c.biography, c.portrait,
                          CandidateStatus(c.status)) for c in cands),
            seats=row["seats"], sheet_entries=row["sheet_entries"],
            percentage_base=PercentageBase(row["percentage_base"]),
            status=ElectionStatus(row["status"]), rules=dict(row["rules"]),
            returns=Returns(row["returns"]),
            sections=tuple(Section(s["key"], s["name"], s["body"], Fraction(s["weight"]))
                           for s in row["sections"] or ()),
        )
