"""Ballots: per-choice encryptions with 0/1 proofs, a proof of the number of marks, and the
voter's credential signature over all of it. The tracker is the SHA-256 of the ballot's JSON."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.election import Election
from hustings.crypto.elgamal import Ciphertext, encrypt, total
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import SYSTEM_RNG, Point, Rng, Scalar
from hustings.crypto.hashing import canonical_json
from hustings.crypto.proofs import (
    Proof,
    RangeProof,
    prove_range,
    prove_schnorr,
    verify_range,
    verify_schnorr,
)

TAG_CHOICE = "choice"
TAG_SUM = "sum"
TAG_SIGNATURE = "signature"


@dataclass(frozen=True, slots=True)
class EncryptedChoice:
    ciphertext: Ciphertext
    proof: RangeProof  # the plaintext is 0 or 1


@dataclass(frozen=True, slots=True)
class Answer:
    choices: tuple[EncryptedChoice, ...]
    sum_proof: RangeProof  # the sum of the choices is within the question's min..max


@dataclass(frozen=True)
class Ballot:
    election: bytes  # the election fingerprint
    credential: Point  # the voter's public credential
    answers: tuple[Answer, ...]
    signature: Proof

    def body_json(self) -> dict[str, Any]:
        return {"election": self.election.hex(), "credential": self.credential.hex(),
                "answers": [_answer_json(a) for a in self.answers]}

    def to_json(self) -> dict[str, Any]:
        return {**self.body_json(), "signature": enc.proof_json(self.signature)}

    def canonical(self) -> bytes:
        return canonical_json(self.to_json())

    @property
    def tracker(self) -> str:
        """What the voter keeps to find their ballot on the board: SHA-256 of its JSON."""
        return hashlib.sha256(self.canonical()).hexdigest()

    @classmethod
    def from_json(cls, value: Any, where: str = "ballot") -> Ballot:
        obj = enc.mapping(value, where, ("election", "credential", "answers", "signature"))
        fingerprint = enc.bytes32(obj["election"], f"{where}.election")
        answers = tuple(_answer(a, f"{where}.answers[{i}]")
                        for i, a in enumerate(enc.array(obj["answers"], f"{where}.answers")))
        return cls(fingerprint, enc.point(obj["credential"], f"{where}.credential"), answers,
                   enc.proof(obj["signature"], f"{where}.signature"))


def _range_json(proof: RangeProof) -> list[dict[str, str]]:
    return [enc.proof_json(p) for p in proof]


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {"choices": [{"alpha": c.ciphertext.alpha.hex(), "beta": c.ciphertext.beta.hex(),
                         "proof": _range_json(c.proof)} for c in answer.choices],
            "sum_proof": _range_json(answer.sum_proof)}


def _range(value: Any, where: str) -> RangeProof:
    return tuple(enc.proof(p, f"{where}[{i}]") for i, p in enumerate(enc.array(value, where)))


def _answer(value: Any, where: str) -> Answer:
    obj = enc.mapping(value, where, ("choices", "sum_proof"))
    choices = []
    for i, c in enumerate(enc.array(obj["choices"], f"{where}.choices")):
        at = f"{where}.choices[{i}]"
        c = enc.mapping(c, at, ("alpha", "beta", "proof"))
        choices.append(EncryptedChoice(
            Ciphertext(enc.point(c["alpha"], f"{at}.alpha"), enc.point(c["beta"], f"{at}.beta")),
            _range(c["proof"], f"{at}.proof")))
    return Answer(tuple(choices), _range(obj["sum_proof"], f"{where}.sum_proof"))


def _signature_context(ballot_body: dict[str, Any], election: Election) -> tuple[bytes, bytes]:
    return (election.fingerprint, hashlib.sha256(canonical_json(ballot_body)).digest())


def encrypt_ballot(election: Election, credential_secret: Scalar,
                   marks: Sequence[Sequence[int]], rng: Rng = SYSTEM_RNG) -> Ballot:
    """A signed ballot with `marks[q][i]` (0 or 1) for choice i of question q."""
    return encrypt_ballot_with_randomness(election, credential_secret, marks, rng)[0]


def encrypt_ballot_with_randomness(
    election: Election, credential_secret: Scalar, marks: Sequence[Sequence[int]],
    rng: Rng = SYSTEM_RNG,
) -> tuple[Ballot, tuple[tuple[Scalar, ...], ...]]:
    """The ballot and the encryption randomness (revealed only when the voter audits it:
    an audited ballot must never be cast)."""
    if len(marks) != len(election.questions):
        raise VerificationError(f"expected marks for {len(election.questions)} question(s)",
                                "marks")
    credential = Point.base(credential_secret)
    h = election.public_key
    answers: list[Answer] = []
    randomness: list[tuple[Scalar, ...]] = []
    for q, (question, row) in enumerate(zip(election.questions, marks, strict=True)):
        if len(row) != len(question.choices) or any(m not in (0, 1) for m in row):
            raise VerificationError(f"question {question.key!r} needs one 0 or 1 per choice",
                                    f"marks[{q}]")
        if not question.min <= sum(row) <= question.max:
            raise VerificationError(f"question {question.key!r} takes {question.min} to "
                                    f"{question.max} marks, not {sum(row)}", f"marks[{q}]")
        rs = tuple(rng.scalar() for _ in row)
        cts = [encrypt(h, m, r) for m, r in zip(row, rs, strict=True)]
        choices = tuple(
            EncryptedChoice(ct, prove_range(TAG_CHOICE, (election.fingerprint, credential, q, i),
                                            h, ct, 0, 1, m, r, rng))
            for i, (ct, m, r) in enumerate(zip(cts, row, rs, strict=True)))
        r_sum = Scalar.from_int(0)
        for r in rs:
            r_sum = r_sum + r
        sum_proof = prove_range(TAG_SUM, (election.fingerprint, credential, q), h, total(cts),
                                question.min, question.max, sum(row), r_sum, rng)
        answers.append(Answer(choices, sum_proof))
        randomness.append(rs)
    unsigned = Ballot(election.fingerprint, credential, tuple(answers),
                      Proof(Scalar.from_int(0), Scalar.from_int(0)))
    signature = prove_schnorr(TAG_SIGNATURE, _signature_context(unsigned.body_json(), election),
                              credential_secret, credential, rng)
    return Ballot(election.fingerprint, credential, tuple(answers), signature), tuple(randomness)


def verify_ballot(election: Election, ballot: Ballot, where: str = "ballot") -> None:
    """Every check a ballot must pass on its own (not the credential list: see board).
    Raises VerificationError naming the first failure."""
    if ballot.election != election.fingerprint:
        raise VerificationError("the ballot is for another election (fingerprint differs)",
                                f"{where}.election")
    if len(ballot.answers) != len(election.questions):
        raise VerificationError(f"expected {len(election.questions)} answer(s)",
                                f"{where}.answers")
    h = election.public_key
    for q, (question, answer) in enumerate(zip(election.questions, ballot.answers, strict=True)):
        at = f"{where}.answers[{q}]"
        if len(answer.choices) != len(question.choices):
            raise VerificationError(f"expected {len(question.choices)} choices",
                                    f"{at}.choices")
        for i, choice in enumerate(answer.choices):
            if not verify_range(TAG_CHOICE, (election.fingerprint, ballot.credential, q, i), h,
                                choice.ciphertext, 0, 1, choice.proof):
                raise VerificationError("the proof that this choice is 0 or 1 fails",
                                        f"{at}.choices[{i}].proof")
        if not verify_range(TAG_SUM, (election.fingerprint, ballot.credential, q), h,
                            total([c.ciphertext for c in answer.choices]),
                            question.min, question.max, answer.sum_proof):
            raise VerificationError(f"the proof that {question.min} to {question.max} choices "
                                    "are marked fails", f"{at}.sum_proof")
    if not verify_schnorr(TAG_SIGNATURE, _signature_context(ballot.body_json(), election),
                          ballot.credential, ballot.signature):
        raise VerificationError("the credential's signature fails", f"{where}.signature")


def check_audit(election: Election, ballot: Ballot, marks: Sequence[Sequence[int]],
                randomness: Sequence[Sequence[Scalar]]) -> bool:
    """Benaloh challenge: does the ballot encrypt `marks` with `randomness`?"""
    if len(marks) != len(ballot.answers) or len(randomness) != len(ballot.answers):
        return False
    for answer, row, rs in zip(ballot.answers, marks, randomness, strict=True):
        if len(row) != len(answer.choices) or len(rs) != len(answer.choices):
            return False
        for choice, m, r in zip(answer.choices, row, rs, strict=True):
            if encrypt(election.public_key, m, r) != choice.ciphertext:
                return False
    return True
