"""Exponential ElGamal on ristretto255: Enc(m; r) = (r*G, m*G + r*H), H the election key."""

from __future__ import annotations

from dataclasses import dataclass

from hustings.crypto.group import IDENTITY, Point, Scalar, small_multiple


@dataclass(frozen=True, slots=True)
class Ciphertext:
    alpha: Point  # r*G
    beta: Point  # m*G + r*H

    def __add__(self, other: Ciphertext) -> Ciphertext:
        """The encryption of the sum of the plaintexts (homomorphic addition)."""
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def scale(self, k: int) -> Ciphertext:
        """The encryption of k times the plaintext (k >= 1: a voter's weight)."""
        if k == 1:
            return self
        s = Scalar.from_int(k)
        return Ciphertext(self.alpha * s, self.beta * s)


#: the encryption of 0 with randomness 0: the neutral element of the homomorphic sum
ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(public_key: Point, m: int, r: Scalar) -> Ciphertext:
    return Ciphertext(Point.base(r), small_multiple(m) + public_key * r)


def total(ciphertexts: list[Ciphertext] | tuple[Ciphertext, ...]) -> Ciphertext:
    """The homomorphic sum of ciphertexts."""
    acc = ZERO
    for c in ciphertexts:
        acc = acc + c
    return acc
