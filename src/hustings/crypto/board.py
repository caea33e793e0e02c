"""The bulletin board: an append-only, hash-chained list of accepted ballots with trackers.

Pure functions over a tuple of entries: the service stores them, the verifier re-checks them.
Entry i links to entry i-1: link_i = H("board", link_{i-1}, i, tracker_i), link_0 the genesis
H("board-genesis", election fingerprint). The last link (the head) is what the signed log
records, so removing or reordering any entry changes it. A credential may vote again: its last
ballot on the board is the one counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.ballot import Ballot, verify_ballot
from hustings.crypto.credentials import CredentialList
from hustings.crypto.election import Election
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point
from hustings.crypto.hashing import digest
from hustings.domain.errors import PermissionDenied


class UnknownCredential(PermissionDenied):
    """The ballot's credential is not on the election's list: the voter may not vote."""


@dataclass(frozen=True)
class BoardEntry:
    position: int  # 1, 2, ...
    tracker: str
    link: bytes
    ballot: Ballot

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "tracker": self.tracker, "link": self.link.hex(),
                "ballot": self.ballot.to_json()}

    @classmethod
    def from_json(cls, value: Any, where: str) -> BoardEntry:
        obj = enc.mapping(value, where, ("position", "tracker", "link", "ballot"))
        return cls(enc.integer(obj["position"], f"{where}.position", 1, 2**62),
                   enc.text(obj["tracker"], f"{where}.tracker"),
                   enc.bytes32(obj["link"], f"{where}.link"),
                   Ballot.from_json(obj["ballot"], f"{where}.ballot"))


Board = tuple[BoardEntry, ...]


def genesis(election: Election) -> bytes:
    return digest("board-genesis", election.fingerprint)


def head(election: Election, board: Board) -> bytes:
    """The link of the last entry (the genesis when empty): what the signed log records."""
    return board[-1].link if board else genesis(election)


def admit(election: Election, credentials: CredentialList, ballot: Ballot, previous: bytes,
          position: int, on_board: Callable[[str], bool], verified: bool = False
          ) -> BoardEntry:
    """The entry `ballot` makes at `position` after the entry whose link is `previous`, or an
    error: VerificationError for a malformed, foreign or replayed ballot or one whose proofs
    fail, UnknownCredential when its credential is not on the list. `on_board(tracker)` says
    whether a tracker is already on the board (a store answers it from an index).
    `verified`: the caller has just run `verify_ballot(election, ballot)` on this very ballot
    (a server does it before taking its writer lock); the proofs are not checked again."""
    if credentials.weight(ballot.credential) is None:
        raise UnknownCredential("this credential is not on the election's list")
    if not verified:
        verify_ballot(election, ballot)
    tracker = ballot.tracker
    if on_board(tracker):
        raise VerificationError("this ballot is already on the board (a replay)", "ballot")
    return BoardEntry(position, tracker, digest("board", previous, position, tracker), ballot)


def append(election: Election, credentials: CredentialList, board: Board,
           ballot: Ballot) -> Board:
    """The board with `ballot` accepted at its end, or an error and the board unchanged
    (see `admit`)."""
    trackers = {entry.tracker for entry in board}
    entry = admit(election, credentials, ballot, head(election, board), len(board) + 1,
                  trackers.__contains__)
    return (*board, entry)


def find(board: Board, tracker: str) -> BoardEntry | None:
    """The entry with this tracker: how a voter checks their ballot is there."""
    for entry in board:
        if entry.tracker == tracker:
            return entry
    return None


def counted(board: Board) -> list[BoardEntry]:
    """The entries that count: the last one of each credential, in board order."""
    last: dict[Point, BoardEntry] = {}
    for entry in board:
        last[entry.ballot.credential] = entry
    return sorted(last.values(), key=lambda e: e.position)


def verify_board(election: Election, credentials: CredentialList, board: Sequence[BoardEntry],
                 expected_head: bytes | None = None, ballots_verified: bool = False) -> None:
    """Every entry re-checked: positions, trackers, chain links, ballots, credentials, no
    replays; and the head equal to `expected_head` (from the signed log) when given. With
    `ballots_verified` the ballots' own checks (`verify_ballot`) are left to the caller."""
    link = genesis(election)
    seen: set[str] = set()
    for i, entry in enumerate(board):
        where = f"board[{i}]"
        if entry.position != i + 1:
            raise VerificationError(f"entry {i + 1} says it is at position {entry.position}",
                                    f"{where}.position")
        if entry.tracker != entry.ballot.tracker:
            raise VerificationError("the tracker is not the hash of the ballot",
                                    f"{where}.tracker")
        if entry.tracker in seen:
            raise VerificationError("the same ballot twice on the board", f"{where}.tracker")
        seen.add(entry.tracker)
        link = digest("board", link, entry.position, entry.tracker)
        if entry.link != link:
            raise VerificationError("the chain is broken: an entry was removed, changed or "
                                    "reordered before this one", f"{where}.link")
        if credentials.weight(entry.ballot.credential) is None:
            raise VerificationError("a ballot whose credential is not on the election's list",
                                    f"{where}.ballot.credential")
        if not ballots_verified:
            verify_ballot(election, entry.ballot, f"{where}.ballot")
    if expected_head is not None and link != expected_head:
        raise VerificationError("the board's head is not the one recorded in the log: entries "
                                "were removed or added", "board")
