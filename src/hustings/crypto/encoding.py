"""JSON forms of points, scalars and proofs: lowercase hex, decoded strictly."""

from __future__ import annotations

from typing import Any

from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar
from hustings.crypto.proofs import Proof

_HEX = frozenset("0123456789abcdef")


def _raw(value: Any, field: str) -> bytes:
    if not isinstance(value, str) or len(value) != 64 or not set(value) <= _HEX:
        raise VerificationError("expected 64 lowercase hexadecimal digits", field)
    return bytes.fromhex(value)


def bytes32(value: Any, field: str) -> bytes:
    """32 bytes given as 64 lowercase hex digits (digests, box keys)."""
    return _raw(value, field)


def point(value: Any, field: str, allow_identity: bool = False) -> Point:
    """A point from JSON: canonical, and never the identity unless the specification allows
    it there (only in tallies and decryption factors, which are computed, never chosen)."""
    return Point.decode(_raw(value, field), field, allow_identity)


def scalar(value: Any, field: str) -> Scalar:
    return Scalar.decode(_raw(value, field), field)


def proof_json(p: Proof) -> dict[str, str]:
    return {"c": p.challenge.hex(), "s": p.response.hex()}


def proof(value: Any, field: str) -> Proof:
    obj = mapping(value, field, ("c", "s"))
    return Proof(scalar(obj["c"], f"{field}.c"), scalar(obj["s"], f"{field}.s"))


def mapping(value: Any, field: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """A JSON object with exactly these keys."""
    if not isinstance(value, dict):
        raise VerificationError("expected an object", field)
    if set(value) != set(keys):
        missing = sorted(set(keys) - set(value))
        extra = sorted(set(value) - set(keys))
        what = "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                       f"unexpected {', '.join(extra)}" if extra else ""]))
        raise VerificationError(what, field)
    return value


def array(value: Any, field: str, length: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise VerificationError("expected an array", field)
    if length is not None and len(value) != length:
        raise VerificationError(f"expected {length} items, found {len(value)}", field)
    return value


def integer(value: Any, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise VerificationError(f"expected an integer from {lo} to {hi}", field)
    return value


def text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise VerificationError("expected a non-empty string", field)
    return value
