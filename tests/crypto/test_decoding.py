"""Malformed inputs are refused with an error naming the field; nothing is accepted half-way."""

from __future__ import annotations

import copy

import pytest

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import Ballot, encrypt_ballot
from hustings.crypto.election import Election, Question
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar, SeededRng

ELECTION = Election("decode-election", Point.base(Scalar.from_int(99)),
                    (Question("chair", ("ada", "ben"), 1, 1),))
CREDENTIAL = cr.format_credential(bytes(range(16)))
BALLOT = encrypt_ballot(ELECTION, cr.credential_secret(ELECTION.election_id, CREDENTIAL),
                        [[1, 0]], SeededRng(b"decode"))


def _broken(change) -> dict:
    data = copy.deepcopy(BALLOT.to_json())
    change(data)
    return data


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda d: d.pop("signature"), "ballot", "missing signature"),
    (lambda d: d.update(extra=1), "ballot", "unexpected extra"),
    (lambda d: d.update(credential=d["credential"].upper()), "ballot.credential", "lowercase"),
    (lambda d: d.update(credential="00" * 32), "ballot.credential", "identity"),
    (lambda d: d.update(credential="ff" * 32), "ballot.credential", "canonical"),
    (lambda d: d["answers"][0]["choices"][1].update(alpha="ab"),
     "ballot.answers[0].choices[1].alpha", "64 lowercase"),
    (lambda d: d["answers"][0]["choices"][0]["proof"][1].update(s="ff" * 32),
     "ballot.answers[0].choices[0].proof[1].s", "canonical"),
    (lambda d: d.update(answers={}), "ballot.answers", "array"),
    (lambda d: d.update(election="zz" * 32), "ballot.election", "hexadecimal"),
])
def test_malformed_ballots_name_the_field(change, field: str, message: str) -> None:
    with pytest.raises(VerificationError, match=message) as caught:
        Ballot.from_json(_broken(change))
    assert caught.value.field == field


def test_a_refused_ballot_leaves_the_board_unchanged() -> None:
    credentials = cr.CredentialList.of(ELECTION.election_id, [(BALLOT.credential, 1)])
    board = bb.append(ELECTION, credentials, (), BALLOT)
    wrong_shape = Ballot(BALLOT.election, BALLOT.credential, BALLOT.answers * 2,
                         BALLOT.signature)
    with pytest.raises(VerificationError, match="expected 1 answer"):
        bb.append(ELECTION, credentials, board, wrong_shape)
    assert len(board) == 1 and bb.head(ELECTION, board) == board[0].link


def test_bad_marks_and_bad_questions_are_refused() -> None:
    secret = cr.credential_secret(ELECTION.election_id, CREDENTIAL)
    with pytest.raises(VerificationError, match="takes 1 to 1 marks, not 2"):
        encrypt_ballot(ELECTION, secret, [[1, 1]])
    with pytest.raises(VerificationError, match="one 0 or 1 per choice"):
        encrypt_ballot(ELECTION, secret, [[2, 0]])
    with pytest.raises(VerificationError, match="no choice 'zed'"):
        ELECTION.questions[0].marks(["zed"])
    with pytest.raises(VerificationError, match="min <= max"):
        Question("q", ("a", "b"), 2, 1)
    with pytest.raises(VerificationError, match="distinct"):
        Question("q", ("a", "a"), 0, 1)


def test_credentials_parse_strictly() -> None:
    assert cr.parse_credential(CREDENTIAL.upper()) == bytes(range(16))
    for bad in ("", "abc", CREDENTIAL + "a", "1" * 26, CREDENTIAL[:-1] + "5"):
        with pytest.raises(VerificationError, match="26 letters"):
            cr.parse_credential(bad)
    with pytest.raises(VerificationError, match="listed twice"):
        cr.CredentialList.of("e", [(BALLOT.credential, 1), (BALLOT.credential, 2)])
    with pytest.raises(VerificationError, match="weight 0"):
        cr.CredentialList.of("e", [(BALLOT.credential, 0)])
    listed = cr.CredentialList.of("e", [(BALLOT.credential, 3)])
    assert cr.CredentialList.from_json(listed.to_json()) == listed
