"""The one interface every counting method offers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hustings.counting.options import OptionSpec, fail, normalise
from hustings.counting.outcome import Outcome, Round
from hustings.counting.profile import OVERVOTE_SET, Profile

Counter = Callable[[Profile, int, dict[str, Any]], Outcome]
Checker = Callable[[dict[str, Any], int, tuple[str, ...]], None]


@dataclass(frozen=True)
class Method:
    """A registered counting method: its name, one-line summary, options, and counter."""

    name: str
    summary: str
    options: list[OptionSpec]
    counter: Counter = field(repr=False)
    multi_winner: bool = False
    check: Checker | None = field(default=None, repr=False)
    # what an election's precincts must return: "totals" (a tally sheet of per-candidate
    # counts is enough) or "rankings" (the ballots themselves: cast vote records)
    needs: str = "rankings"
    # rule options an election supplies itself (from its sections or precincts), not [rules]
    supplied: tuple[str, ...] = ()

    def validate(
        self,
        options: Mapping[str, Any] | None,
        seats: int = 1,
        profile_candidates: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Normalised options; InvalidInput naming the option for anything wrong."""
        if isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
            raise fail("seats", f"seats must be a whole number of at least 1, not {seats!r}")
        if seats > 1 and not self.multi_winner:
            raise fail("seats", f"{self.name} elects one candidate; seats must be 1")
        if profile_candidates and seats > len(profile_candidates):
            raise fail(
                "seats", f"{seats} seats but only {len(profile_candidates)} candidates"
            )
        normal = normalise(self.options, options)
        if self.check is not None:
            self.check(normal, seats, tuple(profile_candidates))
        return normal

    def count(
        self, profile: Profile, seats: int = 1, options: Mapping[str, Any] | None = None
    ) -> Outcome:
        """Validate the options, then count the profile."""
        normal = self.validate(options, seats, profile.candidates)
        if profile.candidates and self.name not in SECTIONED and not _marks_a_candidate(profile):
            return no_votes(self.name, seats, profile)
        outcome = self.counter(profile, seats, normal)
        first = outcome.rounds[0].tallies if outcome.rounds else {}
        if (outcome.winners and self.name in TALLIED and first
                and all(v == 0 for v in first.values())):
            return no_votes(self.name, seats, profile)  # every ballot exhausted at once
        return outcome


SECTIONED = frozenset({"college", "points"})  # their ballots come in the options
TALLIED = frozenset({"irv", "stv", "plurality", "approval", "borda", "two-round",
                     "bottoms-up", "sequential-irv"})


def _marks_a_candidate(profile: Profile) -> bool:
    """Whether any ballot (with a count) marks a declared candidate, alone or in a set."""
    if not len(profile.counts):
        return False
    marked = ((profile.rankings >= 0) | (profile.rankings <= OVERVOTE_SET)).any(axis=1)
    return bool((marked & (profile.counts > 0)).any())


def no_votes(method: str, seats: int, profile: Profile) -> Outcome:
    """The outcome when no ballot counts for anyone: no winner, said so; never a lot drawn."""
    total = profile.total
    why = ("There are no ballots" if total == 0 else
           f"All {total:,} ballot{'s' if total != 1 else ''} are blank or exhausted")
    note = (f"{why}: no candidate has a vote, so no one is elected "
            "(a lot is never drawn among candidates with no votes).")
    first = Round(1, {c: 0 for c in profile.candidates}, exhausted=total, notes=(note,))
    extras = {"residual": ["0"]} if method == "stv" else {}  # nothing lost to rounding
    return Outcome(method, seats, profile.candidates, (), (first,), extras=extras,
                   summary=("No one is elected: no ballot counts for any candidate.",))
