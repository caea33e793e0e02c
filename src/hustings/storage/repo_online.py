"""Online polls: the poll, its trustees, complaints, credentials and bulletin board."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from hustings.domain.errors import NotFound
from hustings.domain.online import (
    BoardRow,
    Complaint,
    OnlinePoll,
    OnlineStatus,
    OnlineTrustee,
)
from hustings.storage import tables as t
from hustings.storage.ids import Ids

_POLL_FIELDS = ("status", "opens", "closes", "election_json", "qualified", "board_head",
                "ballots", "tally", "result", "voided")


class SqlOnlineRepo:
    def __init__(self, conn: Connection, ids: Ids):
        self.conn, self.ids = conn, ids
        self._pids: dict[str, int] = {}

    def _pid(self, crypto_id: str) -> int:
        if crypto_id not in self._pids:
            pid = self.conn.execute(select(t.online_polls.c.id).where(
                t.online_polls.c.crypto_id == crypto_id)).scalar()
            if pid is None:
                raise NotFound(f"no online poll {crypto_id!r}")
            self._pids[crypto_id] = int(pid)
        return self._pids[crypto_id]

    # -- polls ----------------------------------------------------------------------------
    def add_poll(self, poll: OnlinePoll, trustees: list[str]) -> None:
        self.conn.execute(t.online_polls.insert().values(
            election_id=self.ids.election(poll.election), poll_key=poll.poll,
            crypto_id=poll.crypto_id, question=poll.question, threshold=poll.threshold,
            opens=poll.opens, closes=poll.closes, status=poll.status.value, ballots=0,
            voided=False))
        pid = self._pid(poll.crypto_id)
        for number, name in enumerate(trustees, start=1):
            self.conn.execute(t.online_trustees.insert().values(
                online_poll_id=pid, number=number, username=name, sealed={}))

    def _poll(self, row: Any, slug: str) -> OnlinePoll:
        return OnlinePoll(row.crypto_id, slug, row.poll_key, row.question, row.threshold,
                          OnlineStatus(row.status), row.opens, row.closes, row.election_json,
                          row.qualified, row.board_head, row.ballots, row.tally, row.result,
                          bool(row.voided))

    def polls(self, election: str) -> list[OnlinePoll]:
        rows = self.conn.execute(select(t.online_polls).where(
            t.online_polls.c.election_id == self.ids.election(election)).order_by(
            t.online_polls.c.id))
        return [self._poll(r, election) for r in rows]

    def get(self, crypto_id: str) -> OnlinePoll:
        row = self.conn.execute(select(t.online_polls, t.elections.c.slug).join(
            t.elections, t.elections.c.id == t.online_polls.c.election_id).where(
            t.online_polls.c.crypto_id == crypto_id)).first()
        if row is None:
            raise NotFound(f"no online poll {crypto_id!r}")
        return self._poll(row, row.slug)

    def update(self, crypto_id: str, **values: Any) -> None:
        unknown = set(values) - set(_POLL_FIELDS)
        if unknown:
            raise ValueError(f"not a field of an online poll: {sorted(unknown)}")
        if "status" in values:
            values["status"] = OnlineStatus(values["status"]).value
        self.conn.execute(t.online_polls.update().where(
            t.online_polls.c.id == self._pid(crypto_id)).values(**values))

    # -- trustees and the key ceremony ------------------------------------------------------
    def trustees(self, crypto_id: str) -> list[OnlineTrustee]:
        rows = self.conn.execute(select(t.online_trustees).where(
            t.online_trustees.c.online_poll_id == self._pid(crypto_id)).order_by(
            t.online_trustees.c.number))
        return [OnlineTrustee(r.number, r.username, r.box_key, r.dealing, dict(r.sealed or {}),
                              r.share) for r in rows]

    def update_trustee(self, crypto_id: str, number: int, **values: Any) -> None:
        allowed = {"box_key", "dealing", "sealed", "share"}
        if set(values) - allowed:
            raise ValueError(f"not a field of a trustee: {sorted(set(values) - allowed)}")
        self.conn.execute(t.online_trustees.update().where(
            t.online_trustees.c.online_poll_id == self._pid(crypto_id),
            t.online_trustees.c.number == number).values(**values))

    def complaints(self, crypto_id: str) -> list[Complaint]:
        rows = self.conn.execute(select(t.online_complaints).where(
            t.online_complaints.c.online_poll_id == self._pid(crypto_id)).order_by(
            t.online_complaints.c.dealer, t.online_complaints.c.recipient))
        return [Complaint(r.dealer, r.recipient, r.reason, r.revealed, r.upheld) for r in rows]

    def add_complaint(self, crypto_id: str, complaint: Complaint) -> None:
        self.conn.execute(t.online_complaints.insert().values(
            online_poll_id=self._pid(crypto_id), dealer=complaint.dealer,
            recipient=complaint.recipient, reason=complaint.reason))

    def answer_complaint(self, crypto_id: str, dealer: int, recipient: int, revealed: str,
                         upheld: bool) -> None:
        self.conn.execute(t.online_complaints.update().where(
            t.online_complaints.c.online_poll_id == self._pid(crypto_id),
            t.online_complaints.c.dealer == dealer,
            t.online_complaints.c.recipient == recipient).values(
            revealed=revealed, upheld=upheld))

    # -- credentials ------------------------------------------------------------------------
    def add_credentials(self, crypto_id: str,
                        rows: list[tuple[str, int, str | None]]) -> None:
        pid = self._pid(crypto_id)
        if rows:
            self.conn.execute(t.online_credentials.insert(), [
                {"online_poll_id": pid, "credential": c, "weight": w, "member_id": m}
                for c, w, m in rows])

    def credentials(self, crypto_id: str) -> list[tuple[str, int, str | None]]:
        rows = self.conn.execute(select(
            t.online_credentials.c.credential, t.online_credentials.c.weight,
            t.online_credentials.c.member_id).where(
            t.online_credentials.c.online_poll_id == self._pid(crypto_id)).order_by(
            t.online_credentials.c.credential))
        return [(c, w, m) for c, w, m in rows]

    def credential_weight(self, crypto_id: str, credential: str) -> int | None:
        return self.conn.execute(select(t.online_credentials.c.weight).where(
            t.online_credentials.c.online_poll_id == self._pid(crypto_id),
            t.online_credentials.c.credential == credential)).scalar()

    # -- the board --------------------------------------------------------------------------
    def on_board(self, crypto_id: str, tracker: str) -> bool:
        return self.conn.execute(select(t.online_board.c.position).where(
            t.online_board.c.online_poll_id == self._pid(crypto_id),
            t.online_board.c.tracker == tracker)).first() is not None

    def append(self, crypto_id: str, row: BoardRow) -> None:
        self.conn.execute(t.online_board.insert().values(
            online_poll_id=self._pid(crypto_id), position=row.position, tracker=row.tracker,
            link=row.link, credential=row.credential, ballot=row.ballot, cast_at=row.cast_at))

    def board(self, crypto_id: str) -> list[BoardRow]:
        rows = self.conn.execute(select(t.online_board).where(
            t.online_board.c.online_poll_id == self._pid(crypto_id)).order_by(
            t.online_board.c.position))
        return [BoardRow(r.position, r.tracker, r.link, r.credential, r.ballot, r.cast_at)
                for r in rows]

    def voted_members(self, crypto_id: str) -> list[str]:
        """Members whose credential is on the board (the stations' poll book)."""
        pid = self._pid(crypto_id)
        used = select(t.online_board.c.credential).where(
            t.online_board.c.online_poll_id == pid).distinct()
        rows = self.conn.execute(select(t.online_credentials.c.member_id).where(
            t.online_credentials.c.online_poll_id == pid,
            t.online_credentials.c.member_id.is_not(None),
            t.online_credentials.c.credential.in_(used)).order_by(
            t.online_credentials.c.member_id))
        return [m for (m,) in rows]

    def count_polls(self, election: str, poll: str) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.online_polls).where(
            t.online_polls.c.election_id == self.ids.election(election),
            t.online_polls.c.poll_key == poll)).scalar() or 0)

    # -- the roll, as the credential authority reads it -----------------------------------------
    def roll_members(self, election: str) -> list[tuple[str, str, str]]:
        """(member id, name, precinct code) of everyone on the election's frozen roll."""
        rows = self.conn.execute(select(t.members.c.member_id, t.members.c.name,
                                        t.precincts.c.code).select_from(t.roll_entries).join(
            t.members, t.members.c.id == t.roll_entries.c.member_row_id).join(
            t.precincts, t.precincts.c.id == t.roll_entries.c.precinct_id).where(
            t.roll_entries.c.election_id == self.ids.election(election)).order_by(
            t.members.c.member_id))
        return [(m, n, p) for m, n, p in rows]

    def credential_member(self, crypto_id: str, credential: str) -> str | None:
        """The member a public credential was issued to (None when unknown or unnamed)."""
        return self.conn.execute(select(t.online_credentials.c.member_id).where(
            t.online_credentials.c.online_poll_id == self._pid(crypto_id),
            t.online_credentials.c.credential == credential)).scalar()

    # -- a station's marked register ----------------------------------------------------------
    def add_station_marks(self, election: str, poll: str, precinct: str, members: list[str],
                          at: Any) -> None:
        if members:
            eid = self.ids.election(election)
            self.conn.execute(t.station_marks.insert(), [
                {"election_id": eid, "poll_key": poll, "member_id": m, "precinct": precinct,
                 "marked_at": at} for m in members])

    def station_marks(self, election: str, poll: str) -> dict[str, str]:
        """member id -> the precinct whose clerk marked them as having voted there."""
        rows = self.conn.execute(select(t.station_marks.c.member_id,
                                        t.station_marks.c.precinct).where(
            t.station_marks.c.election_id == self.ids.election(election),
            t.station_marks.c.poll_key == poll).order_by(t.station_marks.c.member_id))
        return {m: p for m, p in rows}

    def station_marked(self, election: str, poll: str, member: str) -> str | None:
        """The precinct where `member` is marked as having voted in `poll`, or None."""
        return self.conn.execute(select(t.station_marks.c.precinct).where(
            t.station_marks.c.election_id == self.ids.election(election),
            t.station_marks.c.poll_key == poll,
            t.station_marks.c.member_id == member)).scalar()

    # -- the board account's key (not logged) -------------------------------------------------
    def board_key(self, username: str) -> str | None:
        return self.conn.execute(select(t.online_board_keys.c.seed).where(
            t.online_board_keys.c.username == username)).scalar()

    def set_board_key(self, username: str, seed: str) -> None:
        self.conn.execute(t.online_board_keys.delete().where(
            t.online_board_keys.c.username == username))
        self.conn.execute(t.online_board_keys.insert().values(username=username, seed=seed))


