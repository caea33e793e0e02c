"""Sigma protocols made non-interactive with strong Fiat-Shamir (docs/formats/online-voting.md).

Every proof is kept in challenge-response form: the verifier recomputes the prover's commitments
from the statement, the challenges and the responses, and checks that the hash of the statement
and those commitments gives back the challenge. The hash input always starts with a tag and the
caller's `context` (the election fingerprint and where the proof sits), then the whole statement.

- Schnorr proof of knowledge of x with X = x*G (credential signatures, trustee keys).
- Chaum-Pedersen proof of equal discrete logs x = log_G X = log_B D (decryption factors).
- Disjunctive Chaum-Pedersen proof that an ElGamal ciphertext encrypts one of lo..hi
  (each choice is 0 or 1; a question's number of marks is within its minimum and maximum).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hustings.crypto.elgamal import Ciphertext
from hustings.crypto.group import Point, Rng, Scalar, small_multiple
from hustings.crypto.hashing import Part, hash_to_scalar


@dataclass(frozen=True, slots=True)
class Proof:
    """One sigma-protocol transcript without its commitments: (challenge, response)."""

    challenge: Scalar
    response: Scalar


#: one (challenge, response) per allowed value lo, lo+1, ..., hi, in that order
RangeProof = tuple[Proof, ...]


def prove_schnorr(tag: str, context: Sequence[Part], secret: Scalar, public: Point,
                  rng: Rng) -> Proof:
    """Proof of knowledge of `secret` with public = secret*G, bound to `context`."""
    k = rng.scalar()
    commitment = Point.base(k)
    c = hash_to_scalar(tag, *context, public, commitment)
    return Proof(c, k + c * secret)


def verify_schnorr(tag: str, context: Sequence[Part], public: Point, proof: Proof) -> bool:
    commitment = Point.base(proof.response) - public * proof.challenge
    return hash_to_scalar(tag, *context, public, commitment) == proof.challenge


def prove_dleq(tag: str, context: Sequence[Part], secret: Scalar, public: Point, base: Point,
               result: Point, rng: Rng) -> Proof:
    """Proof that log_G(public) = log_base(result) = secret."""
    k = rng.scalar()
    a, b = Point.base(k), base * k
    c = hash_to_scalar(tag, *context, public, base, result, a, b)
    return Proof(c, k + c * secret)


def verify_dleq(tag: str, context: Sequence[Part], public: Point, base: Point, result: Point,
                proof: Proof) -> bool:
    a = Point.base(proof.response) - public * proof.challenge
    b = base * proof.response - result * proof.challenge
    return hash_to_scalar(tag, *context, public, base, result, a, b) == proof.challenge


def prove_range(tag: str, context: Sequence[Part], public_key: Point, ct: Ciphertext, lo: int,
                hi: int, m: int, r: Scalar, rng: Rng) -> RangeProof:
    """Proof that ct = Enc(m; r) under public_key with lo <= m <= hi (m and r are the secret)."""
    if not lo <= m <= hi:
        raise ValueError(f"{m} is not within {lo}..{hi}: no honest proof exists")
    commitments: list[Point] = []
    simulated: dict[int, Proof] = {}
    w = Scalar.from_int(0)
    for v in range(lo, hi + 1):
        if v == m:
            w = rng.scalar()
            commitments += [Point.base(w), public_key * w]
        else:
            c_v, s_v = rng.scalar(), rng.scalar()
            simulated[v] = Proof(c_v, s_v)
            commitments += _commitments(public_key, ct, v, c_v, s_v)
    c = hash_to_scalar(tag, *context, public_key, ct.alpha, ct.beta, lo, hi, *commitments)
    c_m = c
    for proof in simulated.values():
        c_m = c_m - proof.challenge
    real = Proof(c_m, w + c_m * r)
    return tuple(real if v == m else simulated[v] for v in range(lo, hi + 1))


def _commitments(public_key: Point, ct: Ciphertext, v: int, c: Scalar, s: Scalar) -> list[Point]:
    """A_v = s*G - c*alpha and B_v = s*H - c*(beta - v*G)."""
    shifted = ct.beta - small_multiple(v) if v else ct.beta
    return [Point.base(s) - ct.alpha * c, public_key * s - shifted * c]


def verify_range(tag: str, context: Sequence[Part], public_key: Point, ct: Ciphertext, lo: int,
                 hi: int, proof: RangeProof) -> bool:
    if len(proof) != hi - lo + 1:
        return False
    commitments: list[Point] = []
    total = Scalar.from_int(0)
    for v, branch in zip(range(lo, hi + 1), proof, strict=True):
        commitments += _commitments(public_key, ct, v, branch.challenge, branch.response)
        total = total + branch.challenge
    return hash_to_scalar(tag, *context, public_key, ct.alpha, ct.beta, lo, hi,
                          *commitments) == total
