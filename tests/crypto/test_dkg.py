"""The key ceremony: sealed shares, complaints and disqualification, keys that agree."""

from __future__ import annotations

import pysodium
import pytest

from hustings.crypto import dkg
from hustings.crypto.decryption import decrypt, decryption_share
from hustings.crypto.election import Election, Question
from hustings.crypto.elgamal import encrypt
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar, SeededRng
from hustings.crypto.tally import EncryptedTally


def _ceremony(n: int, t: int):
    boxes = [pysodium.crypto_box_keypair() for _ in range(n)]
    return dkg.Ceremony("dkg-test", t, tuple(pk for pk, _ in boxes)), boxes


def test_a_sealed_share_opens_only_for_its_recipient_and_its_dealer() -> None:
    ceremony, boxes = _ceremony(3, 2)
    _, shares = dkg.deal(ceremony, 1, SeededRng(b"seal"))
    sealed = dkg.seal_share(ceremony, 1, 2, shares[2])
    assert dkg.open_share(ceremony, 1, 2, sealed, boxes[1][1]) == shares[2]
    with pytest.raises(VerificationError, match="does not open"):
        dkg.open_share(ceremony, 1, 3, sealed, boxes[2][1])
    # the server relabelling a sealed share as coming from another dealer
    with pytest.raises(VerificationError, match="another ceremony, dealer or trustee"):
        dkg.open_share(ceremony, 3, 2, sealed, boxes[1][1])
    # a share of this ceremony sealed to a trustee of another one
    other, other_boxes = _ceremony(3, 2)
    misdirected = pysodium.crypto_box_seal(
        ceremony.context + bytes([0, 1, 0, 1]) + shares[1].raw, other.box_keys[0])
    with pytest.raises(VerificationError, match="another ceremony"):
        dkg.open_share(other, 1, 1, misdirected, other_boxes[0][1])


def test_a_disqualified_dealer_is_left_out_and_the_rest_still_decrypt() -> None:
    ceremony, boxes = _ceremony(4, 2)
    rng = SeededRng(b"qual")
    dealt = {i: dkg.deal(ceremony, i, rng) for i in range(1, 5)}
    # dealer 4 sends trustee 1 a bad share; trustee 1 complains; dealer 4 reveals a bad share
    bad = dealt[4][1][1] + Scalar.from_int(1)
    assert not dkg.verify_share(dealt[4][0], 1, bad)
    assert dkg.judge_complaint(dealt[4][0], 1, bad)
    qual = [dealt[i][0] for i in (1, 2, 3)]
    key = dkg.public_key(qual)
    secrets = {j: dkg.combine_shares({i: dealt[i][1][j] for i in (1, 2, 3)})
               for j in range(1, 5)}
    keys = {j: dkg.verification_key(qual, j) for j in range(1, 5)}
    assert all(Point.base(secrets[j]) == keys[j] for j in keys)
    election = Election("dkg-test", key, (Question("q", ("a", "b"), 0, 2),))
    cts = (encrypt(key, 17, rng.scalar()), encrypt(key, 4, rng.scalar()))
    tally = EncryptedTally((cts,), 21, 21)
    shares = [decryption_share(election, j, secrets[j], tally, rng) for j in (2, 4)]
    assert decrypt(election, tally, shares, keys, 2).counts == ((17, 4),)
    # the disqualified dealer's coefficients would give another key
    assert dkg.public_key([*qual, dealt[4][0]]) != key


def test_dealings_are_checked() -> None:
    ceremony, _ = _ceremony(3, 2)
    dealing, _ = dkg.deal(ceremony, 2, SeededRng(b"check"))
    dkg.verify_dealing(ceremony, dealing)
    other, _ = _ceremony(3, 2)
    with pytest.raises(VerificationError, match="proof of knowledge"):
        dkg.verify_dealing(other, dealing)  # replayed into another ceremony
    with pytest.raises(VerificationError, match="expected 2 commitments"):
        dkg.verify_dealing(ceremony, dkg.Dealing(2, dealing.commitments[:1], dealing.proof))
    with pytest.raises(VerificationError, match="no trustee 4"):
        dkg.verify_dealing(ceremony, dkg.Dealing(4, dealing.commitments, dealing.proof))
    with pytest.raises(VerificationError, match="threshold"):
        dkg.Ceremony("x", 3, ceremony.box_keys[:2])
    with pytest.raises(VerificationError, match="same box key"):
        dkg.Ceremony("x", 1, (ceremony.box_keys[0], ceremony.box_keys[0]))
