"""Elections, their candidates, timetable and lifecycle."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from hustings.domain.eligibility import EligibilityRule


class ElectionKind(enum.StrEnum):
    REGULAR = "regular"
    INTERIM = "interim"
    SPECIAL = "special"


class ElectionStatus(enum.StrEnum):
    DRAFT = "draft"
    NOMINATIONS = "nominations"
    VOTING = "voting"
    COUNTING = "counting"
    PROVISIONAL = "provisional"
    CERTIFIED = "certified"


class CandidateStatus(enum.StrEnum):
    NOMINATED = "nominated"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"


class PercentageBase(enum.StrEnum):
    """The denominator that published percentages are taken over."""

    VALID = "valid"
    BALLOTS_CAST = "ballots_cast"


class Returns(enum.StrEnum):
    """What a precinct returns for a poll: a tally sheet of counts, or its ballots (CVRs)."""

    SHEETS = "sheets"
    BALLOTS = "ballots"


@dataclass(frozen=True)
class Section:
    """An electoral college's section: its own electorate (a body and its frozen roll), its
    precincts and its weight in the combined count (UK Labour 2010: a third each)."""

    key: str
    name: str
    body: str  # body slug
    weight: Fraction


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    ballot_name: str
    biography: str = ""
    portrait: str = ""
    status: CandidateStatus = CandidateStatus.NOMINATED


@dataclass(frozen=True)
class Timetable:
    nominations_open: date | None = None
    nominations_close: date | None = None
    roll_cutoff: date | None = None
    polling_day: date | None = None
    runoff_day: date | None = None

    def ordered_dates(self) -> list[tuple[str, date]]:
        names = ("nominations_open", "nominations_close", "roll_cutoff", "polling_day",
                 "runoff_day")
        return [(n, d) for n in names if (d := getattr(self, n)) is not None]


@dataclass(frozen=True)
class Election:
    slug: str
    title: str
    organisation: str  # organisation slug
    office: str  # office slug
    kind: ElectionKind
    body: str  # body slug: the electorate
    eligibility: EligibilityRule
    method: str
    timetable: Timetable
    candidates: tuple[Candidate, ...]
    seats: int = 1
    sheet_entries: int = 2  # clerks whose matching entries make a tally sheet count
    percentage_base: PercentageBase = PercentageBase.VALID
    status: ElectionStatus = ElectionStatus.DRAFT
    rules: dict[str, object] = field(default_factory=dict)
    returns: Returns = Returns.SHEETS
    sections: tuple[Section, ...] = ()

    @property
    def on_ballot(self) -> tuple[Candidate, ...]:
        """Candidates still standing (withdrawn and disqualified ones leave the count)."""
        return tuple(c for c in self.candidates if c.status is CandidateStatus.NOMINATED)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def candidate(self, key_or_name: str) -> Candidate | None:
        for c in self.candidates:
            if key_or_name in (c.key, c.name, c.ballot_name):
                return c
        return None
