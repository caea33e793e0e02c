"""Domain-separated hashing: Fiat-Shamir challenges, digests and canonical JSON.

Every hash input is `lp(PROTOCOL + "/" + tag) || lp(part_1) || ... || lp(part_n)` where
`lp(x)` is x's length as 4 bytes big-endian followed by x. Points and scalars are their 32-byte
encodings, strings UTF-8, integers 8 bytes big-endian (unsigned), bytes themselves. A challenge
is SHA-512 of that input reduced modulo the group order (crypto_core_ristretto255_scalar_reduce).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hustings.crypto.group import Point, Scalar

PROTOCOL = "hustings-online-v1"

Part = Point | Scalar | bytes | str | int


def _bytes(part: Part) -> bytes:
    if isinstance(part, Point | Scalar):
        return part.raw
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8")
    if isinstance(part, bool) or not isinstance(part, int) or not 0 <= part < 2**64:
        raise ValueError(f"cannot hash {part!r}")
    return part.to_bytes(8, "big")


def _lp(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def encode(tag: str, *parts: Part) -> bytes:
    """The exact bytes hashed for `tag` and `parts` (documented, so others can reproduce it)."""
    return b"".join([_lp(f"{PROTOCOL}/{tag}".encode("ascii")), *(_lp(_bytes(p)) for p in parts)])


def hash_to_scalar(tag: str, *parts: Part) -> Scalar:
    """SHA-512 of the encoded input, reduced modulo the group order."""
    return Scalar.from_wide(hashlib.sha512(encode(tag, *parts)).digest())


def digest(tag: str, *parts: Part) -> bytes:
    """SHA-256 of the encoded input (board chain links, ceremony contexts)."""
    return hashlib.sha256(encode(tag, *parts)).digest()


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value that is hashed or signed: keys sorted, no spaces,
    ASCII only (other characters as \\u escapes), no floats."""
    _no_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("canonical JSON has no floating-point numbers")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("canonical JSON keys are strings")
            _no_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_floats(item)
