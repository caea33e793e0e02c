"""Precincts, polls and tally sheets."""

from __future__ import annotations

import struct
from datetime import datetime

from sqlalchemy import Connection, select

from hustings.domain.double_entry import BatchEntry, SheetEntry
from hustings.domain.polling import BallotBatch, Poll, PollKind, Precinct, TallySheet
from hustings.storage import tables as t
from hustings.storage.ids import Ids


class SqlPrecinctRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, precinct: Precinct) -> None:
        self.conn.execute(t.precincts.insert().values(
            election_id=self.ids.election(election), code=precinct.code, name=precinct.name,
            section=precinct.section, points=precinct.points))

    def add_many(self, election: str, precincts: list[Precinct]) -> None:
        """Many precincts in one statement (an import of thousands is one round trip)."""
        if not precincts:
            return
        eid = self.ids.election(election)
        self.conn.execute(t.precincts.insert(), [
            {"election_id": eid, "code": p.code, "name": p.name, "section": p.section,
             "points": p.points} for p in precincts])

    def update(self, election: str, precinct: Precinct) -> None:
        self.conn.execute(t.precincts.update().where(
            t.precincts.c.election_id == self.ids.election(election),
            t.precincts.c.code == precinct.code).values(
            name=precinct.name, section=precinct.section, points=precinct.points))

    def all(self, election: str) -> list[Precinct]:
        rows = self.conn.execute(select(t.precincts.c.code, t.precincts.c.name,
                                        t.precincts.c.section, t.precincts.c.points).where(
            t.precincts.c.election_id == self.ids.election(election)).order_by(t.precincts.c.id))
        return [Precinct(code, name, section, points) for code, name, section, points in rows]


class SqlPollRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, poll: Poll) -> None:
        self.conn.execute(t.polls.insert().values(
            election_id=self.ids.election(election), key=poll.key, day=poll.day,
            kind=poll.kind.value,
            candidates=None if poll.candidates is None else list(poll.candidates),
            replaces=poll.replaces))
        self.add_precincts(election, poll.key, list(poll.precincts))

    def add_precinct(self, election: str, poll: str, precinct: str) -> None:
        self.add_precincts(election, poll, [precinct])

    def add_precincts(self, election: str, poll: str, precincts: list[str]) -> None:
        """Put precincts on a poll, in one statement."""
        if not precincts:
            return
        pid = self.ids.poll(election, poll)
        self.conn.execute(t.poll_precincts.insert(), [
            {"poll_id": pid, "precinct_id": i} for i in self.ids.precincts(election, precincts)])

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
    """Clerks' sheet entries; never updated except to mark them voided by a ruling.

    A poll's entries are read once per unit of work (a command counts several times: before
    and after storing, and after settling the status) until this repository writes."""

    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids
        self._read: dict[tuple[str, str], list[SheetEntry]] = {}

    def add(self, election: str, sheet: TallySheet, entered_by: str, at: datetime,
            reason: str | None = None) -> None:
        self.add_many(election, [sheet], entered_by, at, reason)

    def add_many(self, election: str, sheets: list[TallySheet], entered_by: str, at: datetime,
                 reason: str | None = None) -> None:
        """One clerk's sheets in one statement."""
        if not sheets:
            return
        self._read.clear()
        precincts = self.ids.precincts(election, [s.precinct for s in sheets])
        self.conn.execute(t.tally_sheets.insert(), [
            {"poll_id": self.ids.poll(election, sheet.poll), "precinct_id": pid,
             "registered": sheet.registered, "ballots_cast": sheet.ballots_cast,
             "blank": sheet.blank, "invalid": sheet.invalid, "votes": dict(sheet.votes),
             "entered_by": entered_by, "entered_at": at, "reason": reason}
            for sheet, pid in zip(sheets, precincts, strict=True)])

    def entries(self, election: str, poll: str) -> list[SheetEntry]:
        if (election, poll) not in self._read:
            self._read[(election, poll)] = self._entries(election, poll)
        return list(self._read[(election, poll)])

    def _entries(self, election: str, poll: str) -> list[SheetEntry]:
        stmt = (select(t.tally_sheets, t.precincts.c.code)
                .join(t.precincts, t.precincts.c.id == t.tally_sheets.c.precinct_id)
                .where(t.tally_sheets.c.poll_id == self.ids.poll(election, poll))
                .order_by(t.tally_sheets.c.id))
        return [SheetEntry(
            r.id, TallySheet(poll, r.code, r.registered, r.ballots_cast, dict(r.votes), r.blank,
                             r.invalid),
            r.entered_by, r.entered_at, r.reason, r.voided_by) for r in self.conn.execute(stmt)]

    def void(self, election: str, poll: str, precincts: list[str], ruling_id: int) -> int:
        self._read.clear()
        ids = self.ids.precincts(election, precincts)
        result = self.conn.execute(t.tally_sheets.update().where(
            t.tally_sheets.c.poll_id == self.ids.poll(election, poll),
            t.tally_sheets.c.precinct_id.in_(ids), t.tally_sheets.c.voided_by.is_(None))
            .values(voided_by=ruling_id))
        return int(result.rowcount or 0)


class SqlBatchRepo:
    """Clerks' ballot imports; never updated except to mark them voided by a ruling."""

    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids

    def add(self, election: str, batch: BallotBatch, entered_by: str, at: datetime,
            reason: str | None = None) -> None:
        self.add_many(election, [batch], entered_by, at, reason)

    def add_many(self, election: str, batches: list[BallotBatch], entered_by: str,
                 at: datetime, reason: str | None = None) -> None:
        """One import's batches in one statement (precinct ids read once)."""
        if not batches:
            return
        eid = self.ids.election(election)
        precinct_ids = dict(self.conn.execute(select(t.precincts.c.code, t.precincts.c.id)
                                              .where(t.precincts.c.election_id == eid)).all())
        polls = {key: self.ids.poll(election, key) for key in {b.poll for b in batches}}
        self.conn.execute(t.ballot_batches.insert(), [dict(
            poll_id=polls[batch.poll], precinct_id=precinct_ids[batch.precinct],
            candidates=list(batch.candidates), width=batch.width, rankings=batch.rankings,
            counts=struct.pack(f"<{len(batch.counts)}q", *batch.counts),
            overvote_sets=[list(s) for s in batch.overvote_sets], ballots=batch.ballots,
            digest=batch.digest, source_sha256=batch.source_sha256, entered_by=entered_by,
            entered_at=at, reason=reason) for batch in batches])

    def entries(self, election: str, poll: str) -> list[BatchEntry]:
        stmt = (select(t.ballot_batches, t.precincts.c.code)
                .join(t.precincts, t.precincts.c.id == t.ballot_batches.c.precinct_id)
                .where(t.ballot_batches.c.poll_id == self.ids.poll(election, poll))
                .order_by(t.ballot_batches.c.id))
        out = []
        for r in self.conn.execute(stmt):
            raw = bytes(r.counts)
            counts = struct.unpack(f"<{len(raw) // 8}q", raw)
            batch = BallotBatch(poll, r.code, tuple(r.candidates), r.width, bytes(r.rankings),
                                counts, tuple(tuple(s) for s in r.overvote_sets),
                                r.source_sha256)
            out.append(BatchEntry(r.id, batch, r.entered_by, r.entered_at, r.reason,
                                  r.voided_by))
        return out

    def void(self, election: str, poll: str, precincts: list[str], ruling_id: int) -> int:
        ids = [self.ids.precinct(election, code) for code in precincts]
        result = self.conn.execute(t.ballot_batches.update().where(
            t.ballot_batches.c.poll_id == self.ids.poll(election, poll),
            t.ballot_batches.c.precinct_id.in_(ids), t.ballot_batches.c.voided_by.is_(None))
            .values(voided_by=ruling_id))
        return int(result.rowcount or 0)
