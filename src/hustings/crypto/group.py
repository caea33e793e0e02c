"""ristretto255 (RFC 9496) points and scalars: a thin typed wrapper over libsodium.

No group or field arithmetic is written here: addition, subtraction, scalar multiplication,
scalar addition, multiplication, negation, inversion and reduction are libsodium's
`crypto_core_ristretto255_*` and `crypto_scalarmult_ristretto255*`. This module adds types,
canonical decoding and one convention libsodium leaves to the caller: scalar multiplication whose
result is the identity (a zero scalar or the identity point) returns the identity instead of
failing, because exponential ElGamal encrypts 0 as the identity.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

import pysodium as _na

from hustings.crypto.errors import VerificationError

POINT_BYTES = 32
SCALAR_BYTES = 32
#: the prime order of the group (RFC 9496 section 4.4); used only to state ranges, never to compute
ORDER = 2**252 + 27742317777372353535851937790883648493
_ZERO = bytes(32)


class Scalar:
    """An integer modulo ORDER, held as its canonical 32-byte little-endian encoding."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw

    @classmethod
    def decode(cls, data: bytes, field: str | None = None) -> Scalar:
        """A scalar from 32 bytes; non-canonical encodings (>= ORDER) are refused."""
        if len(data) != SCALAR_BYTES:
            raise VerificationError(f"a scalar is {SCALAR_BYTES} bytes, not {len(data)}", field)
        if _na.crypto_core_ristretto255_scalar_reduce(data + _ZERO) != data:
            raise VerificationError("scalar is not canonical (not below the group order)", field)
        return cls(bytes(data))

    @classmethod
    def from_int(cls, n: int) -> Scalar:
        """The scalar n mod ORDER, for small non-negative or negative integers."""
        if n < 0:
            return cls.from_int(-n).neg()
        if n >= ORDER:
            raise ValueError("integer not below the group order")
        return cls(n.to_bytes(SCALAR_BYTES, "little"))

    @classmethod
    def from_wide(cls, data: bytes) -> Scalar:
        """64 bytes reduced modulo ORDER (crypto_core_ristretto255_scalar_reduce)."""
        if len(data) != 64:
            raise ValueError("scalar reduction takes 64 bytes")
        return cls(_na.crypto_core_ristretto255_scalar_reduce(data))

    @classmethod
    def random(cls) -> Scalar:
        return cls(_na.crypto_core_ristretto255_scalar_random())

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar(_na.crypto_core_ristretto255_scalar_add(self.raw, other.raw))

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar(_na.crypto_core_ristretto255_scalar_sub(self.raw, other.raw))

    def __mul__(self, other: Scalar) -> Scalar:
        return Scalar(_na.crypto_core_ristretto255_scalar_mul(self.raw, other.raw))

    def neg(self) -> Scalar:
        return Scalar(_na.crypto_core_ristretto255_scalar_negate(self.raw))

    def inv(self) -> Scalar:
        if self.is_zero():
            raise ZeroDivisionError("zero has no inverse")
        return Scalar(_na.crypto_core_ristretto255_scalar_invert(self.raw))

    def is_zero(self) -> bool:
        return self.raw == _ZERO

    def __int__(self) -> int:
        return int.from_bytes(self.raw, "little")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scalar) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"Scalar({self.raw.hex()})"

    def hex(self) -> str:
        return self.raw.hex()


class Point:
    """A ristretto255 group element, held as its canonical 32-byte encoding."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw

    @classmethod
    def decode(cls, data: bytes, field: str | None = None, allow_identity: bool = False) -> Point:
        """A point from 32 bytes: the encoding must be canonical (RFC 9496 section 4.3.1);
        the identity is refused unless `allow_identity`."""
        if len(data) != POINT_BYTES:
            raise VerificationError(f"a point is {POINT_BYTES} bytes, not {len(data)}", field)
        if not _na.crypto_core_ristretto255_is_valid_point(data):
            raise VerificationError("not a canonical ristretto255 encoding", field)
        if data == _ZERO and not allow_identity:
            raise VerificationError("the identity element is not allowed here", field)
        return cls(bytes(data))

    @classmethod
    def base(cls, s: Scalar) -> Point:
        """s * G, G the RFC 9496 generator."""
        if s.is_zero():
            return IDENTITY
        return cls(_na.crypto_scalarmult_ristretto255_base(s.raw))

    @classmethod
    def from_uniform(cls, data: bytes) -> Point:
        """RFC 9496 element derivation from 64 uniform bytes (..._ristretto255_from_hash)."""
        return cls(_na.crypto_core_ristretto255_from_hash(data))

    def __add__(self, other: Point) -> Point:
        return Point(_na.crypto_core_ristretto255_add(self.raw, other.raw))

    def __sub__(self, other: Point) -> Point:
        return Point(_na.crypto_core_ristretto255_sub(self.raw, other.raw))

    def __mul__(self, s: Scalar) -> Point:
        """s * self (written point * scalar)."""
        if s.is_zero() or self.raw == _ZERO:
            return IDENTITY
        return Point(_na.crypto_scalarmult_ristretto255(s.raw, self.raw))

    def is_identity(self) -> bool:
        return self.raw == _ZERO

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"Point({self.raw.hex()})"

    def hex(self) -> str:
        return self.raw.hex()


IDENTITY = Point(_ZERO)
GENERATOR = Point.base(Scalar.from_int(1))
_SMALL: dict[int, Point] = {0: IDENTITY}


def small_multiple(m: int) -> Point:
    """m * G for a small non-negative m (cached: plaintexts and proof values)."""
    point = _SMALL.get(m)
    if point is None:
        point = Point.base(Scalar.from_int(m))
        if m < 4096:
            _SMALL[m] = point
    return point


class Rng(Protocol):
    """Where the randomness of encryptions and proofs comes from."""

    def scalar(self) -> Scalar: ...


class SystemRng:
    """libsodium's CSPRNG (crypto_core_ristretto255_scalar_random): the only one for real use."""

    def scalar(self) -> Scalar:
        return Scalar.random()


class SeededRng:
    """Deterministic scalars for known-answer tests ONLY: the i-th is
    SHA-512("hustings-test-rng" || seed || i as 8 bytes big-endian) reduced mod ORDER."""

    def __init__(self, seed: bytes):
        self.seed = seed
        self.counter = 0

    def scalar(self) -> Scalar:
        data = b"hustings-test-rng" + self.seed + self.counter.to_bytes(8, "big")
        self.counter += 1
        return Scalar.from_wide(hashlib.sha512(data).digest())


SYSTEM_RNG = SystemRng()
