"""Precincts, polls and tally sheets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from hustings.domain.double_entry import SheetEntry
from hustings.domain.polling import Poll, PollKind, Precinct, TallySheet
from hustings.storage import tables as t
from hustings.storage.ids import Ids


class SqlPrecinctRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, precinct: Precinct) -> None:
        self.conn.execute(t.precincts.insert().values(
            election_id=self.ids.election(election), code=precinct.code, name=precinct.name))

    def all(self, election: str) -> list[Precinct]:
        rows = self.conn.execute(select(t.precincts.c.code, t.precincts.c.name).where(
            t.precincts.c.election_id == self.ids.election(election)).order_by(t.precincts.c.id))
        return [Precinct(code, name) for code, name in rows]


class SqlPollRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, poll: Poll) -> None:
        self.conn.execute(t.polls.insert().values(
            election_id=self.ids.election(election), key=poll.key, day=poll.day,
            kind=poll.kind.value,
            candidates=None if poll.candidates is None else list(poll.candidates),
            replaces=poll.replaces))
        for code in poll.precincts:
            self.add_precinct(election, poll.key, code)

    def add_precinct(self, election: str, poll: str, precinct: str) -> None:
        self.conn.execute(t.poll_precincts.insert().values(
            poll_id=self.ids.poll(election, poll),
            precinct_id=self.ids.precinct(election, precinct)))

    def get(self, election: str, key: str) -> Poll:
        pid = self.ids.poll(election, key)
        row = self.conn.execute(select(t.polls).where(t.polls.c.id == pid)).one()
        codes = self.conn.execute(
            select(t.precincts.c.code).join(t.poll_precincts,
                                            t.poll_precincts.c.precinct_id == t.precincts.c.id)
            .where(t.poll_precincts.c.poll_id == pid).order_by(t.precincts.c.id)).scalars()
        cands = None if row.candidates is None else tuple(row.candidates)
        return Poll(row.key, row.day, PollKind(row.kind), tuple(codes), cands, row.replaces)

    def all(self, election: str) -> list[Poll]:
        keys = self.conn.execute(select(t.polls.c.key).where(
            t.polls.c.election_id == self.ids.election(election)).order_by(
            t.polls.c.day, t.polls.c.id)).scalars().all()
        return [self.get(election, k) for k in keys]


class SqlSheetRepo:
    """Clerks' sheet entries; never updated except to mark them voided by a ruling."""

    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, sheet: TallySheet, entered_by: str, at: datetime,
            reason: str | None = None) -> None:
        self.conn.execute(t.tally_sheets.insert().values(
            poll_id=self.ids.poll(election, sheet.poll),
            precinct_id=self.ids.precinct(election, sheet.precinct),
            registered=sheet.registered, ballots_cast=sheet.ballots_cast, blank=sheet.blank,
            invalid=sheet.invalid, votes=dict(sheet.votes), entered_by=entered_by,
            entered_at=at, reason=reason))

    def entries(self, election: str, poll: str) -> list[SheetEntry]:
        stmt = (select(t.tally_sheets, t.precincts.c.code)
                .join(t.precincts, t.precincts.c.id == t.tally_sheets.c.precinct_id)
                .where(t.tally_sheets.c.poll_id == self.ids.poll(election, poll))
                .order_by(t.tally_sheets.c.id))
        return [SheetEntry(
            r.id, TallySheet(poll, r.code, r.registered, r.ballots_cast, dict(r.votes), r.blank,
                             r.invalid),
            r.entered_by, r.entered_at, r.reason, r.voided_by) for r in self.conn.execute(stmt)]

    def void(self, election: str, poll: str, precincts: list[str], ruling_id: int) -> int:
        ids = [self.ids.precinct(election, code) for code in precincts]
        result = self.conn.execute(t.tally_sheets.update().where(
            t.tally_sheets.c.poll_id == self.ids.poll(election, poll),
            t.tally_sheets.c.precinct_id.in_(ids), t.tally_sheets.c.voided_by.is_(None))
            .values(voided_by=ruling_id))
        return int(result.rowcount or 0)
