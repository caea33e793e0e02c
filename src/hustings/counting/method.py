"""The one interface every counting method offers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hustings.counting.options import OptionSpec, fail, normalise
from hustings.counting.outcome import Outcome
from hustings.counting.profile import Profile

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
        return self.counter(profile, seats, normal)
