"""Threshold decryption of the tally: each trustee's decryption factors with Chaum-Pedersen
proofs, Lagrange combination of any t of them, and recovery of the small counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import isqrt
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.election import Election
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import (
    GENERATOR,
    IDENTITY,
    SYSTEM_RNG,
    Point,
    Rng,
    Scalar,
    small_multiple,
)
from hustings.crypto.proofs import Proof, prove_dleq, verify_dleq
from hustings.crypto.tally import EncryptedTally

TAG_DECRYPTION = "decryption"


@dataclass(frozen=True)
class DecryptionShare:
    """Trustee `trustee`'s factors D = x_j * alpha for every tallied ciphertext, each with a proof
    that log_G X_j = log_alpha D."""

    trustee: int
    factors: tuple[tuple[Point, ...], ...]
    proofs: tuple[tuple[Proof, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {"trustee": self.trustee,
                "factors": [[{"factor": d.hex(), "proof": enc.proof_json(p)}
                             for d, p in zip(row, prow, strict=True)]
                            for row, prow in zip(self.factors, self.proofs, strict=True)]}

    @classmethod
    def from_json(cls, value: Any, where: str = "share") -> DecryptionShare:
        obj = enc.mapping(value, where, ("trustee", "factors"))
        factors, proofs = [], []
        for q, row in enumerate(enc.array(obj["factors"], f"{where}.factors")):
            ds, ps = [], []
            for i, item in enumerate(enc.array(row, f"{where}.factors[{q}]")):
                at = f"{where}.factors[{q}][{i}]"
                item = enc.mapping(item, at, ("factor", "proof"))
                ds.append(enc.point(item["factor"], f"{at}.factor", True))
                ps.append(enc.proof(item["proof"], f"{at}.proof"))
            factors.append(tuple(ds))
            proofs.append(tuple(ps))
        return cls(enc.integer(obj["trustee"], f"{where}.trustee", 1, 2**16),
                   tuple(factors), tuple(proofs))


@dataclass(frozen=True)
class Result:
    """`counts[q][i]`: the total weight of the counted ballots that marked choice i of q."""

    counts: tuple[tuple[int, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {"counts": [list(row) for row in self.counts]}

    @classmethod
    def from_json(cls, value: Any, where: str = "result") -> Result:
        obj = enc.mapping(value, where, ("counts",))
        return cls(tuple(
            tuple(enc.integer(n, f"{where}.counts[{q}][{i}]", 0, 2**62)
                  for i, n in enumerate(enc.array(row, f"{where}.counts[{q}]")))
            for q, row in enumerate(enc.array(obj["counts"], f"{where}.counts"))))


def decryption_share(election: Election, trustee: int, secret: Scalar, tally: EncryptedTally,
                     rng: Rng = SYSTEM_RNG) -> DecryptionShare:
    public = Point.base(secret)
    factors, proofs = [], []
    for q, row in enumerate(tally.choices):
        ds, ps = [], []
        for i, ct in enumerate(row):
            d = ct.alpha * secret
            ds.append(d)
            ps.append(prove_dleq(TAG_DECRYPTION, (election.fingerprint, trustee, q, i), secret,
                                 public, ct.alpha, d, rng))
        factors.append(tuple(ds))
        proofs.append(tuple(ps))
    return DecryptionShare(trustee, tuple(factors), tuple(proofs))


def verify_decryption_share(election: Election, verification_key: Point, tally: EncryptedTally,
                            share: DecryptionShare, where: str = "share") -> None:
    if len(share.factors) != len(tally.choices) or len(share.proofs) != len(tally.choices):
        raise VerificationError("the share does not match the tally's questions",
                                f"{where}.factors")
    for q, (row, ds, ps) in enumerate(zip(tally.choices, share.factors, share.proofs,
                                          strict=True)):
        if len(ds) != len(row) or len(ps) != len(row):
            raise VerificationError("the share does not match the tally's choices",
                                    f"{where}.factors[{q}]")
        for i, (ct, d, p) in enumerate(zip(row, ds, ps, strict=True)):
            if not verify_dleq(TAG_DECRYPTION, (election.fingerprint, share.trustee, q, i),
                               verification_key, ct.alpha, d, p):
                raise VerificationError(f"trustee {share.trustee}'s decryption proof fails",
                                        f"{where}.factors[{q}][{i}]")


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, Scalar]:
    """lambda_j = prod_{m != j} m / (m - j): f(0) = sum_j lambda_j f(j) for deg f < len."""
    if len(set(indices)) != len(indices) or any(j < 1 for j in indices):
        raise ValueError("trustee indices must be distinct and positive")
    coefficients = {}
    for j in indices:
        num, den = Scalar.from_int(1), Scalar.from_int(1)
        for m in indices:
            if m != j:
                num = num * Scalar.from_int(m)
                den = den * Scalar.from_int(m - j)
        coefficients[j] = num * den.inv()
    return coefficients


def _checked_shares(
    election: Election, tally: EncryptedTally, shares: Sequence[DecryptionShare],
    verification_keys: Mapping[int, Point], threshold: int,
) -> list[DecryptionShare]:
    seen: set[int] = set()
    for k, share in enumerate(shares):
        where = f"shares[{k}]"
        if share.trustee not in verification_keys:
            raise VerificationError(f"no trustee {share.trustee} in the ceremony",
                                    f"{where}.trustee")
        if share.trustee in seen:
            raise VerificationError(f"trustee {share.trustee} sent two shares",
                                    f"{where}.trustee")
        seen.add(share.trustee)
        verify_decryption_share(election, verification_keys[share.trustee], tally, share, where)
    if len(shares) < threshold:
        raise VerificationError(f"{len(shares)} decryption share(s); {threshold} are needed",
                                "shares")
    return list(shares)


def combine(tally: EncryptedTally,
                      shares: Sequence[DecryptionShare]) -> list[list[Point]]:
    """beta - sum_j lambda_j D_j for each tallied ciphertext: m*G when the shares are at least
    the threshold and honest (their proofs checked by the caller)."""
    lam = lagrange_at_zero([s.trustee for s in shares])
    out = []
    for q, row in enumerate(tally.choices):
        points = []
        for i, ct in enumerate(row):
            combined = IDENTITY
            for s in shares:
                combined = combined + s.factors[q][i] * lam[s.trustee]
            points.append(ct.beta - combined)
        out.append(points)
    return out


class DiscreteLog:
    """Baby-step giant-step for m*G with 0 <= m <= bound: a table of ceil(sqrt(bound+1))
    baby steps, then at most as many giant steps per lookup."""

    def __init__(self, bound: int):
        self.bound = bound
        self.step = isqrt(bound) + 1
        self.table: dict[bytes, int] = {}
        point = IDENTITY
        for j in range(self.step):
            self.table[point.raw] = j
            point = point + GENERATOR
        self.giant = small_multiple(self.step)

    def solve(self, target: Point) -> int | None:
        current = target
        for i in range(self.step + 1):
            j = self.table.get(current.raw)
            if j is not None:
                m = i * self.step + j
                return m if m <= self.bound else None
            current = current - self.giant
        return None


def decrypt(election: Election, tally: EncryptedTally, shares: Sequence[DecryptionShare],
            verification_keys: Mapping[int, Point], threshold: int) -> Result:
    """The counts, from at least `threshold` verified shares (any of them)."""
    checked = _checked_shares(election, tally, shares, verification_keys, threshold)
    dlog = DiscreteLog(tally.weight)
    counts = []
    for q, row in enumerate(combine(tally, checked)):
        found = []
        for i, point in enumerate(row):
            m = dlog.solve(point)
            if m is None:
                raise VerificationError(f"the decrypted count is not within 0..{tally.weight}",
                                        f"tally.choices[{q}][{i}]")
            found.append(m)
        counts.append(tuple(found))
    return Result(tuple(counts))


def verify_result(election: Election, tally: EncryptedTally, shares: Sequence[DecryptionShare],
                  verification_keys: Mapping[int, Point], threshold: int, result: Result) -> None:
    """Does `result` decrypt the tally? Checks every share's proofs, then m*G = beta - D for each
    count (no discrete logarithm needed)."""
    checked = _checked_shares(election, tally, shares, verification_keys, threshold)
    if len(result.counts) != len(tally.choices) or any(
            len(r) != len(t) for r, t in zip(result.counts, tally.choices, strict=True)):
        raise VerificationError("the result does not match the tally's shape", "result")
    for q, row in enumerate(combine(tally, checked)):
        for i, point in enumerate(row):
            m = result.counts[q][i]
            if m > tally.weight or small_multiple(m) != point:
                raise VerificationError(f"the count {m} is not what the tally decrypts to",
                                        f"result.counts[{q}][{i}]")
