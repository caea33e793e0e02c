"""An online poll's whole public record, and its verification from end to end.

This is what `hustings online export` will write and what an independent verifier checks:
the election, the credential list, the key ceremony's qualified dealings, the board and its
head (as recorded in the signed log), the decryption shares and the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.board import Board, BoardEntry, verify_board
from hustings.crypto.credentials import CredentialList
from hustings.crypto.decryption import DecryptionShare, Result, verify_result
from hustings.crypto.dkg import Ceremony, Dealing, public_key, verification_key, verify_dealing
from hustings.crypto.election import Election
from hustings.crypto.errors import VerificationError
from hustings.crypto.tally import EncryptedTally, tally


@dataclass(frozen=True)
class ElectionRecord:
    election: Election
    credentials: CredentialList
    ceremony: Ceremony
    dealings: tuple[Dealing, ...]  # the qualified dealers' dealings
    board: Board
    board_head: bytes  # as recorded in the signed log
    tally: EncryptedTally
    shares: tuple[DecryptionShare, ...]
    result: Result

    def to_json(self) -> dict[str, Any]:
        return {"election": self.election.to_json(), "credentials": self.credentials.to_json(),
                "ceremony": self.ceremony.to_json(),
                "dealings": [d.to_json() for d in self.dealings],
                "board": [e.to_json() for e in self.board], "board_head": self.board_head.hex(),
                "tally": self.tally.to_json(), "shares": [s.to_json() for s in self.shares],
                "result": self.result.to_json()}

    @classmethod
    def from_json(cls, value: Any) -> ElectionRecord:
        keys = ("election", "credentials", "ceremony", "dealings", "board", "board_head",
                "tally", "shares", "result")
        obj = enc.mapping(value, "record", keys)
        return cls(
            Election.from_json(obj["election"]),
            CredentialList.from_json(obj["credentials"]),
            Ceremony.from_json(obj["ceremony"]),
            tuple(Dealing.from_json(d, f"dealings[{i}]")
                  for i, d in enumerate(enc.array(obj["dealings"], "dealings"))),
            tuple(BoardEntry.from_json(e, f"board[{i}]")
                  for i, e in enumerate(enc.array(obj["board"], "board"))),
            enc.bytes32(obj["board_head"], "board_head"),
            EncryptedTally.from_json(obj["tally"]),
            tuple(DecryptionShare.from_json(s, f"shares[{i}]")
                  for i, s in enumerate(enc.array(obj["shares"], "shares"))),
            Result.from_json(obj["result"]))


def verify_ceremony(election: Election, ceremony: Ceremony,
                    dealings: Sequence[Dealing]) -> None:
    if ceremony.election_id != election.election_id:
        raise VerificationError("the key ceremony is for another election", "ceremony")
    dealers = [d.dealer for d in dealings]
    if len(set(dealers)) != len(dealers):
        raise VerificationError("a trustee dealt twice", "dealings")
    if len(dealings) < ceremony.threshold:
        raise VerificationError("fewer qualified trustees than the threshold", "dealings")
    for i, d in enumerate(dealings):
        verify_dealing(ceremony, d, f"dealings[{i}]")
    if public_key(dealings) != election.public_key:
        raise VerificationError("the election key is not the one the trustees generated",
                                "election.public_key")


def verify_record(record: ElectionRecord, ballots_verified: bool = False) -> None:
    """Everything an observer can check, in order; raises VerificationError at the first
    failure, naming it. Returns quietly when the record is intact. `ballots_verified`: the
    caller has checked every ballot on the board (`verify_ballot`) already, e.g. over several
    processes; everything else is checked here."""
    election = record.election
    if record.credentials.election_id != election.election_id:
        raise VerificationError("the credential list is for another election", "credentials")
    verify_ceremony(election, record.ceremony, record.dealings)
    verify_board(election, record.credentials, record.board, record.board_head,
                 ballots_verified)
    if tally(election, record.credentials, record.board) != record.tally:
        raise VerificationError("the encrypted tally is not the sum of the counted ballots",
                                "tally")
    keys = {j: verification_key(record.dealings, j)
            for j in range(1, record.ceremony.trustees + 1)}
    verify_result(election, record.tally, record.shares, keys, record.ceremony.threshold,
                  record.result)
