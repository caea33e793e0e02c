"""Voters' credentials: the private string a voter holds, the public point the server holds.

The credential authority (not the server) draws a credential of 16 random bytes for each voter,
derives the public credential and hands the server only the list of public credentials with
their weights. A ballot is signed with the private credential; the server can check it without
being able to make one.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar
from hustings.crypto.hashing import canonical_json, hash_to_scalar

CREDENTIAL_BYTES = 16
MAX_WEIGHT = 2**31 - 1


def new_credential() -> str:
    """A fresh private credential: 16 random bytes as 26 lowercase base32 letters and digits."""
    return format_credential(secrets.token_bytes(CREDENTIAL_BYTES))


def format_credential(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def parse_credential(text: str) -> bytes:
    """The 16 bytes of a credential string (spaces and hyphens ignored, any case)."""
    cleaned = "".join(ch for ch in text if ch not in " -\t\r\n").upper()
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise VerificationError("a credential is 26 letters a-z and digits 2-7",
                                "credential") from exc
    if len(raw) != CREDENTIAL_BYTES or format_credential(raw) != cleaned.lower():
        raise VerificationError("a credential is 26 letters a-z and digits 2-7", "credential")
    return raw


def credential_secret(election_id: str, credential: str) -> Scalar:
    """The signing key of a credential in one election: H("credential", election id, bytes)."""
    secret = hash_to_scalar("credential", election_id, parse_credential(credential))
    if secret.is_zero():  # probability 2^-252; refused rather than assumed away
        raise VerificationError("credential unusable: draw another", "credential")
    return secret


def public_credential(election_id: str, credential: str) -> Point:
    return Point.base(credential_secret(election_id, credential))


@dataclass(frozen=True)
class CredentialList:
    """The public credentials of one election with each voter's weight (1 when unweighted)."""

    election_id: str
    weights: dict[Point, int]
    digest: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for point, weight in self.weights.items():
            if point.is_identity():
                raise VerificationError("a public credential cannot be the identity",
                                        "credentials")
            if not 1 <= weight <= MAX_WEIGHT:
                raise VerificationError(f"weight {weight} is not within 1..{MAX_WEIGHT}",
                                        "credentials")
        object.__setattr__(self, "digest",
                           hashlib.sha256(canonical_json(self.to_json())).digest())

    @classmethod
    def of(cls, election_id: str, entries: Iterable[tuple[Point, int]]) -> CredentialList:
        weights: dict[Point, int] = {}
        for point, weight in entries:
            if point in weights:
                raise VerificationError(f"public credential {point.hex()} listed twice",
                                        "credentials")
            weights[point] = weight
        return cls(election_id, weights)

    def weight(self, credential: Point) -> int | None:
        return self.weights.get(credential)

    @property
    def total_weight(self) -> int:
        return sum(self.weights.values())

    def to_json(self) -> dict[str, Any]:
        rows = sorted((p.hex(), w) for p, w in self.weights.items())
        return {"election_id": self.election_id,
                "credentials": [{"credential": h, "weight": w} for h, w in rows]}

    @classmethod
    def from_json(cls, value: Any, where: str = "credentials") -> CredentialList:
        obj = enc.mapping(value, where, ("election_id", "credentials"))
        entries = []
        for i, row in enumerate(enc.array(obj["credentials"], f"{where}.credentials")):
            at = f"{where}.credentials[{i}]"
            row = enc.mapping(row, at, ("credential", "weight"))
            entries.append((enc.point(row["credential"], f"{at}.credential"),
                            enc.integer(row["weight"], f"{at}.weight", 1, MAX_WEIGHT)))
        return cls.of(enc.text(obj["election_id"], f"{where}.election_id"), entries)


def generate(election_id: str, weights: Iterable[int]) -> tuple[list[str], CredentialList]:
    """The credential authority's step: one private credential per voter (in the order of
    `weights`, for the mail merge) and the public list for the server."""
    private: list[str] = []
    entries: list[tuple[Point, int]] = []
    for weight in weights:
        credential = new_credential()
        private.append(credential)
        entries.append((public_credential(election_id, credential), weight))
    return private, CredentialList.of(election_id, entries)
