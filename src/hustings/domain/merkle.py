"""The log as an append-only Merkle tree, as Certificate Transparency keeps one (pure, stdlib).

RFC 6962 §2.1 (and RFC 9162 §2.1, which restates it): a leaf's hash is SHA-256(0x00 || leaf
bytes), an interior node's SHA-256(0x01 || left || right), the root of no leaves SHA-256 of
nothing. A tree of n > 1 leaves splits at k, the largest power of two below n: the first k leaves
make the left subtree, the rest the right. Proofs are lists of 32-byte hashes:

- an inclusion proof shows that one leaf is at index i of the tree of size n with a given root;
- a consistency proof shows that the tree of size m with one root is a prefix of the tree of
  size n with another: nothing in the first m leaves was changed, removed or reordered.

`Frontier` keeps the roots of the tree's perfect subtrees (at most log2(n) + 1 hashes), so
appending a leaf and reading the root cost O(log n).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]): the root of the tree over these leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def _subtree(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    frontier = Frontier()
    for i in range(start, end):
        frontier.append(leaves[i])
    return frontier.root()


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int | None = None) -> list[bytes]:
    """PATH(index, D[size]): the audit path of leaf `index` in the tree of the first `size`."""
    size = len(leaves) if size is None else size
    if not 0 <= index < size <= len(leaves):
        raise ValueError(f"no leaf {index} in a tree of {size} (of {len(leaves)} leaves)")
    proof: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index - start < k:
            proof.append(_subtree(leaves, start + k, end))
            end = start + k
        else:
            proof.append(_subtree(leaves, start, start + k))
            start += k
    proof.reverse()  # the recursion appends from the top; the path runs leaf -> root
    return proof


def consistency_proof(leaves: Sequence[bytes], first: int,
                      second: int | None = None) -> list[bytes]:
    """PROOF(first, D[second]): that the tree of the first `first` leaves is a prefix of the
    tree of the first `second` (RFC 6962 §2.1.2 SUBPROOF, made iterative)."""
    second = len(leaves) if second is None else second
    if not 0 <= first <= second <= len(leaves):
        raise ValueError(f"no consistency proof from size {first} to {second} "
                         f"(of {len(leaves)} leaves)")
    if first == 0 or first == second:
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append(_subtree(leaves, start + k, end))
            end = start + k
        else:
            proof.append(_subtree(leaves, start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(_subtree(leaves, start, end))
    proof.reverse()
    return proof


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes],
                     expected_root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size or not _hashes(proof, leaf, expected_root):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2; a tree of size 0 is a prefix of every tree."""
    if not 0 <= first <= second or not _hashes(proof, first_root, second_root):
        return False
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


def _hashes(proof: Sequence[bytes], *more: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in [*proof, *more])


@dataclass
class Frontier:
    """The compact form of a growing tree: the roots of its perfect subtrees, largest first
    (one per 1-bit of the size), enough to append a leaf or compute the root in O(log n)."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        self.hashes.append(leaf)
        self.size += 1
        merged = self.size
        while not merged & 1:  # each trailing zero bit of the new size closes a subtree
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)
            merged >>= 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        r = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            r = node_hash(h, r)
        return r

    def to_hex(self) -> list[str]:
        return [h.hex() for h in self.hashes]

    @classmethod
    def from_hex(cls, size: int, hashes: Sequence[str]) -> Frontier:
        if len(hashes) != bin(size).count("1"):
            raise ValueError(f"a tree of {size} leaves has {bin(size).count('1')} subtree "
                             f"roots, not {len(hashes)}")
        return cls(size, [bytes.fromhex(h) for h in hashes])
