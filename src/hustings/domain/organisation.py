"""Organisations, the bodies whose members form electorates, members and offices."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str


@dataclass(frozen=True)
class Body:
    """A group whose members can form an electorate (the membership; the Central Committee)."""

    slug: str
    name: str


class Standing(enum.StrEnum):
    GOOD = "good"
    SUSPENDED = "suspended"
    LAPSED = "lapsed"


@dataclass(frozen=True)
class Member:
    member_id: str
    name: str
    joined: date
    standing: Standing
    precinct: str | None


@dataclass(frozen=True)
class Office:
    """An office an election fills, e.g. the Leader (1 seat) or an executive committee (9)."""

    slug: str
    name: str
    seats: int = 1
