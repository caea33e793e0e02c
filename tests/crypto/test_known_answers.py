"""Known-answer tests: fixed randomness (SeededRng) gives these exact transcripts.

The values were recorded from this implementation; a change to any encoding, hash input or
protocol step changes them, and must come with a change to docs/formats/online-voting.md. A few
are also recomputed here independently of the package (hashlib and integer arithmetic mod the
group order) to check the equations the specification states, not just our own output.
"""

from __future__ import annotations

import hashlib

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto import dkg
from hustings.crypto.ballot import Ballot, encrypt_ballot, verify_ballot
from hustings.crypto.decryption import decryption_share, verify_decryption_share
from hustings.crypto.election import Election, Question
from hustings.crypto.elgamal import encrypt
from hustings.crypto.group import GENERATOR, ORDER, Point, Scalar, SeededRng
from hustings.crypto.hashing import canonical_json, encode, hash_to_scalar
from hustings.crypto.proofs import (
    prove_dleq,
    prove_range,
    prove_schnorr,
    verify_dleq,
    verify_range,
    verify_schnorr,
)
from hustings.crypto.tally import tally

CREDENTIAL = "aaaqeayeaudaocajbifqydiob4"  # bytes 00 01 .. 0f


def _sha256(value) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def _kat_election(rng: SeededRng) -> tuple[Scalar, Election]:
    sk = rng.scalar()
    return sk, Election("kat-election", Point.base(sk),
                        (Question("chair", ("ada", "ben", "cleo"), 1, 1),))


def test_seeded_randomness() -> None:
    expected = hashlib.sha512(b"hustings-test-rng" + b"kat" + bytes(8)).digest()
    first = SeededRng(b"kat").scalar()
    assert first.hex() == "83e03b9a55c5fe4c0b5d0b238b9281151055852af05e65dfe23d24f51df59a02"
    assert int(first) == int.from_bytes(expected, "little") % ORDER


def test_hash_input_encoding_and_hash_to_scalar() -> None:
    parts = (GENERATOR, Scalar.from_int(7), b"\x01\x02", "hé", 42)
    data = encode("example", *parts)
    assert data.hex() == (
        "0000001a" + b"hustings-online-v1/example".hex()
        + "00000020" + GENERATOR.hex()
        + "00000020" + "07" + "00" * 31
        + "00000002" + "0102"
        + "00000003" + "68c3a9"
        + "00000008" + "000000000000002a")
    c = hash_to_scalar("example", *parts)
    assert c.hex() == "96a267fc226622334c83a81830ae1757865b64b15d3ec727a023688975c0640c"
    assert int(c) == int.from_bytes(hashlib.sha512(data).digest(), "little") % ORDER


def test_credential_derivation() -> None:
    assert cr.format_credential(bytes(range(16))) == CREDENTIAL
    secret = cr.credential_secret("kat-election", CREDENTIAL)
    assert secret.hex() == "af206bf62b9d8ed7c19f605c99eefe331621209e0ce8a0f9e3381062d9458604"
    assert secret == hash_to_scalar("credential", "kat-election", bytes(range(16)))
    assert cr.public_credential("kat-election", CREDENTIAL).hex() == \
        "9e390600af001d3e1aff14956b5f001ed92e9e8316b23c993ebebf7963282373"
    assert cr.credential_secret("kat-election", "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4") == secret


def test_election_fingerprint() -> None:
    _, election = _kat_election(SeededRng(b"kat"))
    assert canonical_json(election.to_json()) == (
        b'{"election_id":"kat-election","group":"ristretto255","protocol":"hustings-online-v1",'
        b'"public_key":"be4397d07b5457592779d7539a7210f80956aad087d6183f638974a0d6120347",'
        b'"questions":[{"choices":["ada","ben","cleo"],"key":"chair","max":1,"min":1}]}')
    assert election.fingerprint.hex() == \
        "dd2af67085c660c6d8db919b58c1622486576b703742b74bf50692ab37d8bbce"


def test_schnorr_proof_transcript_and_its_equations() -> None:
    rng = SeededRng(b"kat")
    _kat_election(rng)
    x = rng.scalar()
    public = Point.base(x)
    k = SeededRng(b"kat")
    for _ in range(3):
        nonce = k.scalar()  # the third scalar of the stream is the proof's nonce
    proof = prove_schnorr("example", (b"ctx",), x, public, rng)
    assert proof.challenge.hex() == \
        "f7015f6e595a4b7f3c939f22fc0ee225d086cd3698dca5da3aef99687c10f200"
    assert proof.response.hex() == \
        "42be90fd98e528c3ab7e7c118aebdf22662b254efcadac3c69d356fc4313ee0c"
    # c = H(tag, ctx, X, k*G) and s = k + c*x mod the order
    commitment = Point.base(nonce)
    c = int.from_bytes(hashlib.sha512(encode("example", b"ctx", public, commitment)).digest(),
                       "little") % ORDER
    assert int(proof.challenge) == c
    assert int(proof.response) == (int(nonce) + c * int(x)) % ORDER
    assert verify_schnorr("example", (b"ctx",), public, proof)


def test_dleq_and_range_proof_transcripts() -> None:
    rng = SeededRng(b"kat")
    _, election = _kat_election(rng)
    x = rng.scalar()
    prove_schnorr("example", (b"ctx",), x, Point.base(x), rng)
    alpha = Point.base(rng.scalar())
    proof = prove_dleq("example", (b"ctx",), x, Point.base(x), alpha, alpha * x, rng)
    assert (alpha * x).hex() == "123f092292f3fc0bd07183a52c31eaabf349edd082ef238384ef99900a63f06e"
    assert (proof.challenge.hex(), proof.response.hex()) == (
        "d39792f22c7efe5aeae90198e2b9b500c6373c6406ff37cfa5240cc2ca5a5509",
        "9ccb5f6d926cbfa0ec0a5ebeaebf2809d2c6a4866e9fcab8465853d169afae00")
    assert verify_dleq("example", (b"ctx",), Point.base(x), alpha, alpha * x, proof)
    r = rng.scalar()
    ct = encrypt(election.public_key, 1, r)
    assert (ct.alpha.hex(), ct.beta.hex()) == (
        "206b82f6cdc0520a9cc06180613a5d5cac8455c5c271010aa9b2a0a08eb7a110",
        "26bd61d44306ca764961b2f7c0a15f5f30dc2704a92e8b1f8bb85b4b8eeb1624")
    proof01 = prove_range("example", (b"ctx",), election.public_key, ct, 0, 1, 1, r, rng)
    assert [(p.challenge.hex(), p.response.hex()) for p in proof01] == [
        ("a896671daa427ca5b2b499e1d1e5e2ce840e9ebbbd0b21d5dd5ad315555ed101",
         "1817a7b4fea5901bb3519d66c3c8e8b13cbef78de9262fb1b448bbd0f90d8000"),
        ("e8bbee1071614e52e9072825ee637d3a8b7469dc3340d8aa1412f65be8ba6b02",
         "5db20618151c1cc171a0ba17eb0cbf38e01f60a35533b1c36ebcc57c3244b10f")]
    assert verify_range("example", (b"ctx",), election.public_key, ct, 0, 1, proof01)


def test_ballot_board_tally_and_decryption_share() -> None:
    sk, election = _kat_election(SeededRng(b"kat"))
    ballot = encrypt_ballot(election, cr.credential_secret("kat-election", CREDENTIAL),
                            [[0, 0, 1]], SeededRng(b"kat-ballot"))
    assert ballot.tracker == "31aa98a99925d0dcb9c96179f325546a70669151e5d3bc0446a109a58abad3e0"
    assert ballot.tracker == hashlib.sha256(canonical_json(ballot.to_json())).hexdigest()
    verify_ballot(election, Ballot.from_json(ballot.to_json()))
    credentials = cr.CredentialList.of("kat-election", [(ballot.credential, 2)])
    board = bb.append(election, credentials, (), ballot)
    assert bb.genesis(election).hex() == \
        "8a9ba55586c4b483defa7d0e6fd43621be19af29f13ea4b37c0160b537ac60cf"
    assert board[0].link.hex() == \
        "fdd512ea33d89b11092b9f78a0a2e13dbb4fb1333646fb750b6229caa5489177"
    encrypted = tally(election, credentials, board)
    assert _sha256(encrypted.to_json()) == \
        "bf20976fc13c2c7fe980e4b199203d9d9c9a8bfbcde8a272eae5402c361efc72"
    share = decryption_share(election, 1, sk, encrypted, SeededRng(b"kat-share"))
    assert _sha256(share.to_json()) == \
        "526b279f38ec0f86611705c115a4ac169112a9b3fe58a6122c1e5579a148f560"
    verify_decryption_share(election, Point.base(sk), encrypted, share)


def test_dealing() -> None:
    ceremony = dkg.Ceremony("kat-election", 2, (bytes([1]) * 32, bytes([2]) * 32,
                                                bytes([3]) * 32))
    assert ceremony.context.hex() == \
        "221ccc14e841ac933ece121f671a5d3a50ce8e2b8158d3ae735aa15566c097ce"
    dealing, shares = dkg.deal(ceremony, 1, SeededRng(b"kat-dkg"))
    assert _sha256(dealing.to_json()) == \
        "5bd67a901c16263b060f30e6e9f3dabbd3d675c9efdb200c7a7e08dbfd9adc5d"
    assert shares[2].hex() == "101a2c41d3e6aca6d9d51a0e4c710a70bd188b7dd62db29385032f95873d0102"
    dkg.verify_dealing(ceremony, dkg.Dealing.from_json(dealing.to_json()))
    assert all(dkg.verify_share(dealing, j, s) for j, s in shares.items())
