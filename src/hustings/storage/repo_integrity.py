"""Disputes, rulings, result versions and tenures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from hustings.domain.disputes import Decision, Dispute, Evidence, Ruling
from hustings.domain.errors import NotFound
from hustings.domain.record import Tenure, TenureKind
from hustings.storage import tables as t
from hustings.storage.ids import Ids


class SqlDisputeRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def next_number(self, election: str) -> int:
        current = self.conn.execute(select(func.max(t.disputes.c.number)).where(
            t.disputes.c.election_id == self.ids.election(election))).scalar_one()
        return int(current or 0) + 1

    def add(self, election: str, dispute: Dispute) -> None:
        self.conn.execute(t.disputes.insert().values(
            election_id=self.ids.election(election), number=dispute.number,
            filed_by=dispute.filed_by, filed_at=dispute.filed_at, poll_key=dispute.poll,
            precincts=list(dispute.precincts), complaint=dispute.complaint,
            evidence=[{"name": e.name, "sha256": e.sha256} for e in dispute.evidence]))

    def _id(self, election: str, number: int) -> int:
        found = self.conn.execute(select(t.disputes.c.id).where(
            t.disputes.c.election_id == self.ids.election(election),
            t.disputes.c.number == number)).scalar()
        if found is None:
            raise NotFound(f"no dispute {number} in election {election!r}")
        return int(found)

    def all(self, election: str) -> list[tuple[Dispute, Ruling | None]]:
        eid = self.ids.election(election)
        rows = self.conn.execute(
            select(t.disputes, t.rulings.c.ruled_by, t.rulings.c.ruled_at, t.rulings.c.decision,
                   t.rulings.c.precincts.label("r_precincts"), t.rulings.c.reasons,
                   t.rulings.c.revote_poll, t.rulings.c.id.label("ruling_id"))
            .outerjoin(t.rulings, t.rulings.c.dispute_id == t.disputes.c.id)
            .where(t.disputes.c.election_id == eid).order_by(t.disputes.c.number)).all()
        out: list[tuple[Dispute, Ruling | None]] = []
        for r in rows:
            dispute = Dispute(r.number, r.filed_by, r.filed_at, r.poll_key, tuple(r.precincts),
                              r.complaint, tuple(Evidence(e["name"], e["sha256"])
                                                 for e in r.evidence))
            ruling = None if r.ruling_id is None else Ruling(
                r.number, r.ruled_by, r.ruled_at, Decision(r.decision), tuple(r.r_precincts),
                r.reasons, r.revote_poll)
            out.append((dispute, ruling))
        return out

    def add_ruling(self, election: str, ruling: Ruling) -> int:
        result = self.conn.execute(t.rulings.insert().values(
            dispute_id=self._id(election, ruling.dispute), ruled_by=ruling.ruled_by,
            ruled_at=ruling.ruled_at, decision=ruling.decision.value,
            precincts=list(ruling.precincts), revote_poll=ruling.revote_poll,
            reasons=ruling.reasons))
        return int(result.inserted_primary_key[0])  # type: ignore[index]


class SqlVersionRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, number: int, at: datetime, reason: str,
            result: dict[str, Any], log: tuple[int, str] | None = None) -> None:
        self.conn.execute(t.result_versions.insert().values(
            election_id=self.ids.election(election), number=number, created_at=at,
            reason=reason, result=result, log_size=log[0] if log else None,
            log_root=log[1] if log else None))

    def logs(self, election: str) -> dict[int, tuple[int, str] | None]:
        """version number -> the log's (size, root) when it was made (None: before 0008)."""
        rows = self.conn.execute(
            select(t.result_versions.c.number, t.result_versions.c.log_size,
                   t.result_versions.c.log_root)
            .where(t.result_versions.c.election_id == self.ids.election(election)))
        return {r[0]: None if r[1] is None else (int(r[1]), str(r[2])) for r in rows}

    def all(self, election: str) -> list[tuple[int, datetime, str, dict[str, Any]]]:
        rows = self.conn.execute(
            select(t.result_versions.c.number, t.result_versions.c.created_at,
                   t.result_versions.c.reason, t.result_versions.c.result)
            .where(t.result_versions.c.election_id == self.ids.election(election))
            .order_by(t.result_versions.c.number))
        return [(r[0], r[1], r[2], dict(r[3])) for r in rows]


class SqlTenureRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def _office_id(self, organisation: str, office: str) -> int:
        found = self.conn.execute(select(t.offices.c.id).where(
            t.offices.c.organisation_id == self.ids.organisation(organisation),
            t.offices.c.slug == office)).scalar()
        if found is None:
            raise NotFound(f"no office {office!r} in {organisation!r}")
        return int(found)

    def add(self, organisation: str, tenure: Tenure) -> None:
        self.conn.execute(t.tenures.insert().values(
            office_id=self._office_id(organisation, tenure.office), holder=tenure.holder,
            kind=tenure.kind.value, start=tenure.start, end=tenure.end,
            election=tenure.election))

    def end_open(self, organisation: str, office: str, day: date, reason: str) -> list[str]:
        """End every open tenure of the office on `day`; returns the holders ended."""
        oid = self._office_id(organisation, office)
        open_rows = self.conn.execute(select(t.tenures.c.id, t.tenures.c.holder).where(
            t.tenures.c.office_id == oid, t.tenures.c.end.is_(None))).all()
        for row in open_rows:
            self.conn.execute(t.tenures.update().where(t.tenures.c.id == row.id)
                              .values(end=day, ended_by=reason))
        return [r.holder for r in open_rows]

    def end_holder(self, organisation: str, office: str, holder: str | None, day: date,
                   reason: str) -> int:
        """End the open tenures of `holder` (None: the open vacancies) on `day`; how many."""
        oid = self._office_id(organisation, office)
        who = t.tenures.c.holder.is_(None) if holder is None else t.tenures.c.holder == holder
        result = self.conn.execute(t.tenures.update().where(
            t.tenures.c.office_id == oid, t.tenures.c.end.is_(None), who)
            .values(end=day, ended_by=reason))
        return int(result.rowcount)

    def end_open_of(self, organisation: str, office: str, election: str, day: date,
                    reason: str) -> list[str]:
        """End the open tenures one election started (its result changed)."""
        oid = self._office_id(organisation, office)
        open_rows = self.conn.execute(select(t.tenures.c.id, t.tenures.c.holder).where(
            t.tenures.c.office_id == oid, t.tenures.c.end.is_(None),
            t.tenures.c.election == election)).all()
        for row in open_rows:
            self.conn.execute(t.tenures.update().where(t.tenures.c.id == row.id)
                              .values(end=day, ended_by=reason))
        return [r.holder for r in open_rows]

    def all(self, organisation: str, office: str) -> list[Tenure]:
        oid = self._office_id(organisation, office)
        rows = self.conn.execute(select(t.tenures).where(t.tenures.c.office_id == oid)
                                 .order_by(t.tenures.c.start, t.tenures.c.id))
        return [Tenure(office, r.holder, TenureKind(r.kind), r.start, r.end, r.election)
                for r in rows]
