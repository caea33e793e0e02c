"""Precincts, polls (dated voting events) and precinct tally sheets."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from hustings.domain.errors import Problem


@dataclass(frozen=True)
class Precinct:
    code: str
    name: str


class PollKind(enum.StrEnum):
    INITIAL = "initial"
    REVOTE = "revote"
    RUNOFF = "runoff"


@dataclass(frozen=True)
class Poll:
    key: str
    day: date
    kind: PollKind
    precincts: tuple[str, ...]  # precinct codes
    candidates: tuple[str, ...] | None = None  # candidate keys on the ballot; None = all
    replaces: str | None = None  # a re-vote's: the poll whose precincts it votes again


@dataclass(frozen=True)
class TallySheet:
    """A precinct's counts for one poll, as the clerk copies them from the paper sheet."""

    poll: str
    precinct: str
    registered: int
    ballots_cast: int
    votes: dict[str, int]  # candidate key -> votes
    blank: int = 0
    invalid: int = 0

    @property
    def valid(self) -> int:
        return sum(self.votes.values())

    def problems(self, source: str | None = None, line: int | None = None) -> list[Problem]:
        """Arithmetic checks every sheet must pass, whatever the election."""
        found: list[Problem] = []
        numbers = {"registered": self.registered, "ballots_cast": self.ballots_cast,
                   "blank": self.blank, "invalid": self.invalid, **self.votes}
        for name, value in numbers.items():
            if value < 0:
                found.append(Problem(f"{name} is negative ({value})", source, line, name))
        if found:
            return found
        total = self.valid + self.blank + self.invalid
        if total != self.ballots_cast:
            found.append(Problem(
                f"candidate votes + blank + invalid = {total}, "
                f"but ballots_cast = {self.ballots_cast}",
                source, line, "ballots_cast"))
        if self.ballots_cast > self.registered:
            found.append(Problem(
                f"ballots_cast ({self.ballots_cast}) exceeds registered ({self.registered})",
                source, line, "ballots_cast"))
        return found
