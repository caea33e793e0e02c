"""Imported (recorded) elections and the chain of tenures derived from them."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from hustings.domain.errors import NotFound
from hustings.domain.organisation import Office, Organisation
from hustings.domain.record import Tenure, TenureKind
from hustings.domain.record_store import StoredElection
from hustings.formats.record_native import from_dict, to_json
from hustings.storage import tables as t
from hustings.storage.ids import Ids

_ELECTION = (t.recorded_elections.c.document, t.recorded_elections.c.source,
             t.recorded_elections.c.source_sha256, t.organisations.c.slug.label("org"),
             t.offices.c.slug.label("office"))


class SqlRecordRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    # -- organisations and offices, as the record names them --------------------------------

    def organisations(self) -> list[Organisation]:
        rows = self.conn.execute(select(t.organisations.c.slug, t.organisations.c.name)
                                 .order_by(t.organisations.c.slug))
        return [Organisation(r.slug, r.name) for r in rows]

    def offices(self, organisation: str) -> list[Office]:
        rows = self.conn.execute(
            select(t.offices.c.slug, t.offices.c.name)
            .where(t.offices.c.organisation_id == self.ids.organisation(organisation))
            .order_by(t.offices.c.slug))
        return [Office(r.slug, r.name) for r in rows]

    def _office_id(self, organisation: str, office: str) -> int:
        found = self.conn.execute(select(t.offices.c.id).where(
            t.offices.c.organisation_id == self.ids.organisation(organisation),
            t.offices.c.slug == office)).scalar()
        if found is None:
            raise NotFound(f"no office {office!r} in {organisation!r}")
        return int(found)

    # -- elections ------------------------------------------------------------------------------

    def add(self, stored: StoredElection) -> None:
        record = stored.record
        self.conn.execute(t.recorded_elections.insert().values(
            slug=record.slug, organisation_id=self.ids.organisation(stored.organisation),
            office_id=self._office_id(stored.organisation, stored.office), title=record.title,
            first_day=record.first_day, document=json.loads(to_json(record)),
            source=stored.source, source_sha256=stored.sha256))

    def _select(self):  # type: ignore[no-untyped-def]
        return (select(*_ELECTION)
                .join(t.organisations,
                      t.organisations.c.id == t.recorded_elections.c.organisation_id)
                .join(t.offices, t.offices.c.id == t.recorded_elections.c.office_id))

    @staticmethod
    def _stored(row: object) -> StoredElection:
        document = row.document  # type: ignore[attr-defined]
        data = json.loads(document) if isinstance(document, str) else document
        return StoredElection(row.org, row.office,  # type: ignore[attr-defined]
                              from_dict(data, "database"), row.source,  # type: ignore[attr-defined]
                              row.source_sha256)  # type: ignore[attr-defined]

    def get(self, slug: str) -> StoredElection | None:
        row = self.conn.execute(self._select().where(t.recorded_elections.c.slug == slug)).first()
        return None if row is None else self._stored(row)

    def all(self, organisation: str | None = None, office: str | None = None
            ) -> list[StoredElection]:
        """Imported elections (of one office, if given) in date order, undated last."""
        stmt = self._select()
        if organisation is not None:
            stmt = stmt.where(t.organisations.c.slug == organisation)
        if office is not None:
            stmt = stmt.where(t.offices.c.slug == office)
        stmt = stmt.order_by(t.recorded_elections.c.first_day.is_(None),
                             t.recorded_elections.c.first_day, t.recorded_elections.c.title)
        return [self._stored(r) for r in self.conn.execute(stmt)]

    # -- tenures derived from them ------------------------------------------------------------

    def replace_tenures(self, organisation: str, office: str, tenures: list[Tenure]) -> None:
        """Replace the office's derived chain with `tenures`, in order."""
        oid = self._office_id(organisation, office)
        self.conn.execute(t.recorded_tenures.delete().where(
            t.recorded_tenures.c.office_id == oid))
        if tenures:
            self.conn.execute(t.recorded_tenures.insert(), [
                {"office_id": oid, "position": i, "holder": x.holder, "kind": x.kind.value,
                 "start": x.start, "end": x.end, "election": x.election}
                for i, x in enumerate(tenures, start=1)])

    def tenures(self, organisation: str, office: str) -> list[Tenure]:
        oid = self._office_id(organisation, office)
        rows = self.conn.execute(select(t.recorded_tenures).where(
            t.recorded_tenures.c.office_id == oid).order_by(t.recorded_tenures.c.position))
        return [Tenure(office, r.holder, TenureKind(r.kind), r.start, r.end, r.election)
                for r in rows]
