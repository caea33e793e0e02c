"""The public parameters of an online poll and their fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from hustings.crypto import encoding as enc
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point
from hustings.crypto.hashing import PROTOCOL, canonical_json

MAX_CHOICES = 64


@dataclass(frozen=True)
class Question:
    """One question: mark between `min` and `max` of `choices` (each at most once)."""

    key: str
    choices: tuple[str, ...]
    min: int
    max: int

    def __post_init__(self) -> None:
        if not self.key:
            raise VerificationError("a question needs a key", "key")
        if not 1 <= len(self.choices) <= MAX_CHOICES:
            raise VerificationError(f"a question has 1 to {MAX_CHOICES} choices", "choices")
        if len(set(self.choices)) != len(self.choices) or not all(self.choices):
            raise VerificationError("choice keys must be non-empty and distinct", "choices")
        if not 0 <= self.min <= self.max <= len(self.choices):
            raise VerificationError(
                f"need 0 <= min <= max <= {len(self.choices)}, got {self.min}..{self.max}",
                "min")

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "choices": list(self.choices), "min": self.min, "max": self.max}

    @classmethod
    def from_json(cls, value: Any, where: str) -> Question:
        obj = enc.mapping(value, where, ("key", "choices", "min", "max"))
        choices = tuple(enc.text(c, f"{where}.choices[{i}]")
                        for i, c in enumerate(enc.array(obj["choices"], f"{where}.choices")))
        return cls(enc.text(obj["key"], f"{where}.key"), choices,
                   enc.integer(obj["min"], f"{where}.min", 0, MAX_CHOICES),
                   enc.integer(obj["max"], f"{where}.max", 0, MAX_CHOICES))

    def marks(self, chosen: list[str] | tuple[str, ...]) -> tuple[int, ...]:
        """The 0/1 marks of a selection given by choice keys (checked against min and max)."""
        unknown = [c for c in chosen if c not in self.choices]
        if unknown:
            raise VerificationError(f"no choice {unknown[0]!r} in question {self.key!r}",
                                    "choice")
        if len(set(chosen)) != len(chosen):
            raise VerificationError("a choice is marked twice", "choice")
        if not self.min <= len(chosen) <= self.max:
            raise VerificationError(
                f"question {self.key!r} takes {self.min} to {self.max} marks, "
                f"not {len(chosen)}", "choice")
        return tuple(int(c in chosen) for c in self.choices)


@dataclass(frozen=True)
class Election:
    """What every ballot, proof and decryption of one online poll is bound to."""

    election_id: str
    public_key: Point
    questions: tuple[Question, ...]
    fingerprint: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.election_id:
            raise VerificationError("an election needs an id", "election_id")
        if not self.questions:
            raise VerificationError("an election needs a question", "questions")
        if len({q.key for q in self.questions}) != len(self.questions):
            raise VerificationError("question keys must be distinct", "questions")
        if self.public_key.is_identity():
            raise VerificationError("the election key cannot be the identity", "public_key")
        object.__setattr__(self, "fingerprint",
                           hashlib.sha256(canonical_json(self.to_json())).digest())

    def to_json(self) -> dict[str, Any]:
        return {"protocol": PROTOCOL, "group": "ristretto255", "election_id": self.election_id,
                "public_key": self.public_key.hex(),
                "questions": [q.to_json() for q in self.questions]}

    @classmethod
    def from_json(cls, value: Any, where: str = "election") -> Election:
        obj = enc.mapping(value, where,
                          ("protocol", "group", "election_id", "public_key", "questions"))
        if obj["protocol"] != PROTOCOL or obj["group"] != "ristretto255":
            raise VerificationError(f"not a {PROTOCOL} ristretto255 election", where)
        questions = tuple(Question.from_json(q, f"{where}.questions[{i}]")
                          for i, q in enumerate(enc.array(obj["questions"], f"{where}.questions")))
        return cls(enc.text(obj["election_id"], f"{where}.election_id"),
                   enc.point(obj["public_key"], f"{where}.public_key"), questions)
