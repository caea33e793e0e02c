"""Trustees' key generation: Pedersen's joint-Feldman DKG, t of n (docs/formats/online-voting.md).

1. Each trustee i (1..n) publishes an X25519 box key; the ceremony's context hashes the election
   id, n, t and those keys.
2. Each trustee i draws a polynomial f_i of degree t-1, publishes a Dealing: the Feldman
   commitments C_i,k = a_i,k * G and a Schnorr proof of knowledge of a_i,0; and sends
   f_i(j) to each trustee j sealed to j's box key.
3. Trustee j checks every share received: f_i(j)*G = sum_k j^k * C_i,k. A failing share is a
   complaint; dealer i answers by revealing f_i(j); anyone re-checks it and disqualifies i if
   it fails (`judge_complaint`).
4. With QUAL the dealers not disqualified: election key H = sum_{i in QUAL} C_i,0; trustee j's
   secret x_j = sum_{i in QUAL} f_i(j); its public verification key X_j = x_j*G is computable by
   anyone from the commitments (`verification_key`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pysodium as _na

from hustings.crypto import encoding as enc
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import IDENTITY, SYSTEM_RNG, Point, Rng, Scalar
from hustings.crypto.hashing import digest
from hustings.crypto.proofs import Proof, prove_schnorr, verify_schnorr

TAG_COEFFICIENT = "dkg-coefficient"
MAX_TRUSTEES = 64


@dataclass(frozen=True)
class Ceremony:
    """The public frame of a key ceremony: who takes part and how many must decrypt."""

    election_id: str
    threshold: int
    box_keys: tuple[bytes, ...]  # trustee i's X25519 public key is box_keys[i-1]
    context: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.box_keys)
        if not 1 <= self.threshold <= n <= MAX_TRUSTEES:
            raise VerificationError(f"need 1 <= threshold <= trustees <= {MAX_TRUSTEES}, got "
                                    f"{self.threshold} of {n}", "threshold")
        if any(len(k) != _na.crypto_box_PUBLICKEYBYTES for k in self.box_keys):
            raise VerificationError("a trustee's box key is 32 bytes", "box_keys")
        if len(set(self.box_keys)) != n:
            raise VerificationError("two trustees have the same box key", "box_keys")
        object.__setattr__(self, "context", digest("dkg", self.election_id, self.threshold, n,
                                                   *self.box_keys))

    @property
    def trustees(self) -> int:
        return len(self.box_keys)

    def to_json(self) -> dict[str, Any]:
        return {"election_id": self.election_id, "threshold": self.threshold,
                "box_keys": [k.hex() for k in self.box_keys]}

    @classmethod
    def from_json(cls, value: Any, where: str = "ceremony") -> Ceremony:
        obj = enc.mapping(value, where, ("election_id", "threshold", "box_keys"))
        return cls(enc.text(obj["election_id"], f"{where}.election_id"),
                   enc.integer(obj["threshold"], f"{where}.threshold", 1, MAX_TRUSTEES),
                   tuple(enc.bytes32(k, f"{where}.box_keys[{i}]") for i, k in
                         enumerate(enc.array(obj["box_keys"], f"{where}.box_keys"))))


@dataclass(frozen=True)
class Dealing:
    dealer: int
    commitments: tuple[Point, ...]  # C_k = a_k * G, k = 0..t-1
    proof: Proof  # knowledge of a_0

    def to_json(self) -> dict[str, Any]:
        return {"dealer": self.dealer, "commitments": [c.hex() for c in self.commitments],
                "proof": enc.proof_json(self.proof)}

    @classmethod
    def from_json(cls, value: Any, where: str = "dealing") -> Dealing:
        obj = enc.mapping(value, where, ("dealer", "commitments", "proof"))
        commitments = tuple(enc.point(c, f"{where}.commitments[{k}]") for k, c in
                            enumerate(enc.array(obj["commitments"], f"{where}.commitments")))
        return cls(enc.integer(obj["dealer"], f"{where}.dealer", 1, MAX_TRUSTEES), commitments,
                   enc.proof(obj["proof"], f"{where}.proof"))


def _power_sum(points: Sequence[Point], j: int) -> Point:
    """sum_k j^k * points[k] (Horner, with libsodium's operations)."""
    x = Scalar.from_int(j)
    acc = IDENTITY
    for point in reversed(points):
        acc = acc * x + point
    return acc


def deal(ceremony: Ceremony, dealer: int,
         rng: Rng = SYSTEM_RNG) -> tuple[Dealing, dict[int, Scalar]]:
    """Trustee `dealer`'s public dealing and the share f(j) for every trustee j (its own too)."""
    if not 1 <= dealer <= ceremony.trustees:
        raise VerificationError(f"no trustee {dealer}", "dealer")
    coefficients = [rng.scalar() for _ in range(ceremony.threshold)]
    commitments = tuple(Point.base(a) for a in coefficients)
    proof = prove_schnorr(TAG_COEFFICIENT, (ceremony.context, dealer), coefficients[0],
                          commitments[0], rng)
    shares = {}
    for j in range(1, ceremony.trustees + 1):
        x, acc = Scalar.from_int(j), Scalar.from_int(0)
        for a in reversed(coefficients):
            acc = acc * x + a
        shares[j] = acc
    return Dealing(dealer, commitments, proof), shares


def verify_dealing(ceremony: Ceremony, dealing: Dealing, where: str = "dealing") -> None:
    if not 1 <= dealing.dealer <= ceremony.trustees:
        raise VerificationError(f"no trustee {dealing.dealer}", f"{where}.dealer")
    if len(dealing.commitments) != ceremony.threshold:
        raise VerificationError(f"expected {ceremony.threshold} commitments",
                                f"{where}.commitments")
    if any(c.is_identity() for c in dealing.commitments):
        raise VerificationError("a commitment is the identity", f"{where}.commitments")
    if not verify_schnorr(TAG_COEFFICIENT, (ceremony.context, dealing.dealer),
                          dealing.commitments[0], dealing.proof):
        raise VerificationError("the proof of knowledge of the dealer's secret fails",
                                f"{where}.proof")


def verify_share(dealing: Dealing, recipient: int, share: Scalar) -> bool:
    """Is `share` the value at `recipient` of the polynomial committed in `dealing`?"""
    return Point.base(share) == _power_sum(dealing.commitments, recipient)


def judge_complaint(dealing: Dealing, recipient: int, revealed: Scalar) -> bool:
    """After `recipient` complained and the dealer revealed the share publicly: True when the
    dealer is at fault (the revealed share fails) and must be disqualified."""
    return not verify_share(dealing, recipient, revealed)


def public_key(dealings: Sequence[Dealing]) -> Point:
    """The election key: the sum of the qualified dealers' constant commitments."""
    if not dealings:
        raise VerificationError("no qualified dealer", "dealings")
    acc = IDENTITY
    for d in dealings:
        acc = acc + d.commitments[0]
    return acc


def verification_key(dealings: Sequence[Dealing], trustee: int) -> Point:
    """X_j = x_j * G, from the qualified dealings' commitments alone."""
    acc = IDENTITY
    for d in dealings:
        acc = acc + _power_sum(d.commitments, trustee)
    return acc


def combine_shares(received: Mapping[int, Scalar]) -> Scalar:
    """Trustee j's secret share: the sum of the shares it received from the qualified dealers."""
    acc = Scalar.from_int(0)
    for share in received.values():
        acc = acc + share
    return acc


def _share_message(ceremony: Ceremony, dealer: int, recipient: int, share: Scalar) -> bytes:
    return ceremony.context + dealer.to_bytes(2, "big") + recipient.to_bytes(2, "big") + share.raw


def seal_share(ceremony: Ceremony, dealer: int, recipient: int, share: Scalar) -> bytes:
    """The share for `recipient` sealed to its box key (crypto_box_seal), bound to the ceremony,
    the dealer and the recipient; the server relays it without being able to read it."""
    return _na.crypto_box_seal(_share_message(ceremony, dealer, recipient, share),
                               ceremony.box_keys[recipient - 1])


def open_share(ceremony: Ceremony, dealer: int, recipient: int, sealed: bytes,
               box_secret: bytes) -> Scalar:
    try:
        message = _na.crypto_box_seal_open(sealed, ceremony.box_keys[recipient - 1], box_secret)
    except ValueError as exc:
        raise VerificationError("the sealed share does not open with this trustee's key",
                                "share") from exc
    expected = _share_message(ceremony, dealer, recipient, Scalar.from_int(0))[:-32]
    if len(message) != len(expected) + 32 or not message.startswith(expected):
        raise VerificationError("the sealed share is for another ceremony, dealer or trustee",
                                "share")
    return Scalar.decode(message[-32:], "share")
