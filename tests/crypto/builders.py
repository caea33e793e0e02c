"""Small elections for the crypto tests: a key ceremony run in memory, voters, ballots."""

from __future__ import annotations

from dataclasses import dataclass

import pysodium

from hustings.crypto import dkg
from hustings.crypto.election import Election, Question
from hustings.crypto.group import Point, Rng, Scalar, SeededRng


@dataclass
class Trustees:
    ceremony: dkg.Ceremony
    dealings: tuple[dkg.Dealing, ...]
    secrets: dict[int, Scalar]  # trustee j's x_j
    keys: dict[int, Point]  # trustee j's verification key X_j

    @property
    def public_key(self) -> Point:
        return dkg.public_key(self.dealings)


def run_ceremony(election_id: str, n: int, t: int, rng: Rng | None = None) -> Trustees:
    """Every trustee deals, seals each share to its recipient, who opens and checks it."""
    boxes = [pysodium.crypto_box_keypair() for _ in range(n)]
    ceremony = dkg.Ceremony(election_id, t, tuple(pk for pk, _ in boxes))
    rng = rng or SeededRng(election_id.encode())
    dealings, received = [], {j: {} for j in range(1, n + 1)}
    for i in range(1, n + 1):
        dealing, shares = dkg.deal(ceremony, i, rng)
        dkg.verify_dealing(ceremony, dealing)
        dealings.append(dealing)
        for j, share in shares.items():
            sealed = dkg.seal_share(ceremony, i, j, share)
            opened = dkg.open_share(ceremony, i, j, sealed, boxes[j - 1][1])
            assert dkg.verify_share(dealing, j, opened)
            received[j][i] = opened
    secrets = {j: dkg.combine_shares(received[j]) for j in received}
    keys = {j: dkg.verification_key(dealings, j) for j in received}
    return Trustees(ceremony, tuple(dealings), secrets, keys)


CHAIR = Question("chair", ("ada", "ben", "cleo"), 1, 1)


def election_for(trustees: Trustees, *questions: Question, election_id: str | None = None
                 ) -> Election:
    return Election(election_id or trustees.ceremony.election_id, trustees.public_key,
                    questions or (CHAIR,))
