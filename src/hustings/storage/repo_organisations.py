"""Organisations, bodies and offices."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from hustings.domain.errors import NotFound
from hustings.domain.organisation import Body, Office, Organisation
from hustings.storage import tables as t
from hustings.storage.ids import Ids


class SqlOrganisationRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def ensure_organisation(self, organisation: Organisation) -> None:
        found = self.conn.execute(select(t.organisations.c.id).where(
            t.organisations.c.slug == organisation.slug)).first()
        if found is None:
            self.conn.execute(t.organisations.insert().values(
                slug=organisation.slug, name=organisation.name))

    def ensure_body(self, organisation: str, body: Body) -> None:
        oid = self.ids.organisation(organisation)
        found = self.conn.execute(select(t.bodies.c.id).where(t.bodies.c.slug == body.slug)).first()
        if found is None:
            self.conn.execute(t.bodies.insert().values(
                organisation_id=oid, slug=body.slug, name=body.name))

    def ensure_office(self, organisation: str, office: Office) -> None:
        oid = self.ids.organisation(organisation)
        found = self.conn.execute(select(t.offices.c.id).where(
            t.offices.c.organisation_id == oid, t.offices.c.slug == office.slug)).first()
        if found is None:
            self.conn.execute(t.offices.insert().values(
                organisation_id=oid, slug=office.slug, name=office.name, seats=office.seats))

    def office(self, organisation: str, slug: str) -> Office:
        oid = self.ids.organisation(organisation)
        row = self.conn.execute(select(t.offices.c.name, t.offices.c.seats).where(
            t.offices.c.organisation_id == oid, t.offices.c.slug == slug)).first()
        if row is None:
            raise NotFound(f"no office {slug!r} in {organisation!r}")
        return Office(slug, row.name, row.seats)

    def body_exists(self, body: str) -> bool:
        return self.conn.execute(select(t.bodies.c.id).where(
            t.bodies.c.slug == body)).first() is not None

    def bodies(self) -> list[tuple[str, str, int]]:
        stmt = (select(t.bodies.c.slug, t.bodies.c.name, func.count(t.members.c.id))
                .select_from(t.bodies.outerjoin(t.members, t.members.c.body_id == t.bodies.c.id))
                .group_by(t.bodies.c.slug, t.bodies.c.name).order_by(t.bodies.c.slug))
        return [(r[0], r[1], int(r[2])) for r in self.conn.execute(stmt)]
