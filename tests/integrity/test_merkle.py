"""The log's Merkle tree (domain/merkle.py): RFC 6962 known answers, and its proofs' properties.

The known answers are Certificate Transparency's reference tree of eight leaves, whose roots and
proofs every RFC 6962 implementation reproduces. A slow reference written here from the RFC
(MTH and PROOF) is held to the same answers and to the domain's on random trees.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hustings.domain import merkle

CT_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
CT_ROOTS = [  # the root of the first n leaves, n = 0..8
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CT_CONSISTENCY = [  # (old size, new size, proof)
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
LEAVES = [merkle.leaf_hash(d) for d in CT_LEAVES]


# An independent, slow reference written from RFC 6962 §2.1 (MTH, PROOF and SUBPROOF),
# over leaf hashes: recursion on the split at the largest power of two below n.
def _split(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def _mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [_mth(leaves)]
    k = _split(n)
    if m <= k:
        return _subproof(m, leaves[:k], complete) + [_mth(leaves[k:])]
    return _subproof(m - k, leaves[k:], False) + [_mth(leaves[:k])]


def _proof(m: int, leaves: list[bytes]) -> list[bytes]:
    return [] if m in (0, len(leaves)) else _subproof(m, leaves, True)


def test_the_reference_roots() -> None:
    for n, expected in enumerate(CT_ROOTS):
        assert merkle.root(LEAVES[:n]).hex() == expected, n
        assert _mth(LEAVES[:n]).hex() == expected, n


def test_the_reference_inclusion_proofs() -> None:
    for index, size, path in CT_INCLUSION:
        proof = merkle.inclusion_proof(LEAVES, index, size)
        assert [p.hex() for p in proof] == path
        assert merkle.verify_inclusion(LEAVES[index], index, size, proof,
                                       bytes.fromhex(CT_ROOTS[size]))


def test_the_reference_consistency_proofs() -> None:
    for m, n, path in CT_CONSISTENCY:
        assert [p.hex() for p in merkle.consistency_proof(LEAVES, m, n)] == path
        assert [p.hex() for p in _proof(m, LEAVES[:n])] == path
        proof = [bytes.fromhex(p) for p in path]
        old, new = bytes.fromhex(CT_ROOTS[m]), bytes.fromhex(CT_ROOTS[n])
        assert merkle.verify_consistency(m, n, old, new, proof)


def test_degenerate_cases() -> None:
    root4, root5 = merkle.root(LEAVES[:4]), merkle.root(LEAVES[:5])
    assert merkle.verify_consistency(4, 4, root4, root4, [])
    assert not merkle.verify_consistency(4, 4, root4, root5, [])
    assert not merkle.verify_consistency(4, 4, root4, root4, [root4])
    assert merkle.verify_consistency(0, 8, merkle.EMPTY_ROOT, merkle.root(LEAVES), [])
    assert not merkle.verify_consistency(5, 4, root5, root4, [])
    assert not merkle.verify_consistency(4, 5, root4, root5, [])
    assert not merkle.verify_inclusion(LEAVES[0], 8, 8, [], merkle.root(LEAVES))
    assert not merkle.verify_consistency(4, 5, root4[:31], root5, [root5])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(LEAVES, 8, 8)
    with pytest.raises(ValueError):
        merkle.consistency_proof(LEAVES, 5, 9)


def test_the_frontier_keeps_the_root_and_round_trips() -> None:
    frontier = merkle.Frontier()
    for n, leaf in enumerate(LEAVES, 1):
        frontier.append(leaf)
        assert frontier.root().hex() == CT_ROOTS[n]
        assert len(frontier.hashes) == bin(n).count("1")
        again = merkle.Frontier.from_hex(n, frontier.to_hex())
        assert again.root() == frontier.root()
    with pytest.raises(ValueError):
        merkle.Frontier.from_hex(3, frontier.to_hex()[:1])


def _leaves(count: int, salt: int) -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(f"{salt}/{i}".encode()).digest())
            for i in range(count)]


sizes = st.integers(min_value=1, max_value=70)


@settings(max_examples=60, deadline=None)
@given(n=sizes, salt=st.integers(0, 1000))
def test_every_prefix_s_consistency_proof_verifies(n: int, salt: int) -> None:
    leaves = _leaves(n, salt)
    new = merkle.root(leaves)
    for m in range(n + 1):
        proof = merkle.consistency_proof(leaves, m, n)
        assert proof == _proof(m, leaves)
        old = merkle.root(leaves[:m])
        assert merkle.verify_consistency(m, n, old, new, proof)


@settings(max_examples=60, deadline=None)
@given(n=sizes, salt=st.integers(0, 1000))
def test_every_leaf_s_inclusion_proof_verifies(n: int, salt: int) -> None:
    leaves = _leaves(n, salt)
    root = merkle.root(leaves)
    for i in range(n):
        assert merkle.verify_inclusion(leaves[i], i, n, merkle.inclusion_proof(leaves, i), root)


@settings(max_examples=80, deadline=None)
@given(n=st.integers(min_value=2, max_value=70), data=st.data())
def test_a_tampered_consistency_proof_fails(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n, n)
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    proof = merkle.consistency_proof(leaves, m, n)
    old, new = merkle.root(leaves[:m]), merkle.root(leaves)
    i = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    flipped = list(proof)
    flipped[i] = bytes(b ^ (1 << (bit % 8)) if j == bit // 8 else b
                       for j, b in enumerate(proof[i]))
    for bad in (flipped, proof[:-1], [*proof, new]):
        assert not merkle.verify_consistency(m, n, old, new, bad)
    # a log that changed one of its first m leaves no longer extends the old root
    k = data.draw(st.integers(min_value=0, max_value=m - 1))
    edited = list(leaves)
    edited[k] = merkle.leaf_hash(b"edited")
    assume(edited[k] != leaves[k])
    proof2 = merkle.consistency_proof(edited, m, n)
    assert not merkle.verify_consistency(m, n, old, merkle.root(edited), proof2)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=2, max_value=70), data=st.data())
def test_a_tampered_inclusion_proof_fails(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n, n + 1)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(leaves, i)
    root = merkle.root(leaves)
    j = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
    flipped = list(proof)
    flipped[j] = bytes([proof[j][0] ^ 1]) + proof[j][1:]
    for bad in (flipped, proof[:-1], [*proof, root]):
        assert not merkle.verify_inclusion(leaves[i], i, n, bad, root)
    assert not merkle.verify_inclusion(leaves[(i + 1) % n], i, n, proof, root) \
        or leaves[(i + 1) % n] == leaves[i]
