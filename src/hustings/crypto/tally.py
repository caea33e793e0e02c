"""The homomorphic tally: per choice, the sum of the counted ballots' ciphertexts, each
weighted by its credential's weight."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.board import BoardEntry, counted
from hustings.crypto.credentials import CredentialList
from hustings.crypto.election import Election
from hustings.crypto.elgamal import ZERO, Ciphertext
from hustings.crypto.errors import VerificationError


@dataclass(frozen=True)
class EncryptedTally:
    """`choices[q][i]` encrypts the total weight of the counted ballots marking choice i of
    question q; `ballots` is how many ballots were counted and `weight` their total weight (the
    bound of every count, used to recover it from the group)."""

    choices: tuple[tuple[Ciphertext, ...], ...]
    ballots: int
    weight: int

    def to_json(self) -> dict[str, Any]:
        return {"ballots": self.ballots, "weight": self.weight,
                "choices": [[{"alpha": c.alpha.hex(), "beta": c.beta.hex()} for c in row]
                            for row in self.choices]}

    @classmethod
    def from_json(cls, value: Any, where: str = "tally") -> EncryptedTally:
        obj = enc.mapping(value, where, ("ballots", "weight", "choices"))
        rows = []
        for q, row in enumerate(enc.array(obj["choices"], f"{where}.choices")):
            cts = []
            for i, c in enumerate(enc.array(row, f"{where}.choices[{q}]")):
                at = f"{where}.choices[{q}][{i}]"
                c = enc.mapping(c, at, ("alpha", "beta"))
                cts.append(Ciphertext(enc.point(c["alpha"], f"{at}.alpha", True),
                                      enc.point(c["beta"], f"{at}.beta", True)))
            rows.append(tuple(cts))
        return cls(tuple(rows), enc.integer(obj["ballots"], f"{where}.ballots", 0, 2**62),
                   enc.integer(obj["weight"], f"{where}.weight", 0, 2**62))


def tally(election: Election, credentials: CredentialList,
          board: Sequence[BoardEntry]) -> EncryptedTally:
    """The encrypted tally of a (verified) board: last ballot per credential, weighted.

    Ballots are summed per weight first and each weight's sum multiplied once, so weights cost
    one scalar multiplication per distinct weight, not per ballot."""
    shape = [len(q.choices) for q in election.questions]
    by_weight: dict[int, list[list[Ciphertext]]] = defaultdict(
        lambda: [[ZERO] * n for n in shape])
    entries = counted(tuple(board))
    total_weight = 0
    for entry in entries:
        weight = credentials.weight(entry.ballot.credential)
        if weight is None:
            raise VerificationError("a counted ballot's credential is not on the list",
                                    f"board[{entry.position - 1}].ballot.credential")
        total_weight += weight
        sums = by_weight[weight]
        for q, answer in enumerate(entry.ballot.answers):
            row = sums[q]
            for i, choice in enumerate(answer.choices):
                row[i] = row[i] + choice.ciphertext
    result = [[ZERO] * n for n in shape]
    for weight, sums in sorted(by_weight.items()):
        for q, row in enumerate(sums):
            for i, ct in enumerate(row):
                result[q][i] = result[q][i] + ct.scale(weight)
    return EncryptedTally(tuple(tuple(row) for row in result), len(entries), total_weight)
