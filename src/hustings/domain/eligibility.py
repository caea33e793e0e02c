"""Eligibility rules: who of a body's members goes on an election's frozen roll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hustings.domain.organisation import Member, Standing


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, clamped to the month's last day."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")  # pragma: no cover


@dataclass(frozen=True)
class EligibilityRule:
    """In good standing (if required) and a member for at least `min_months` before `cutoff`."""

    cutoff: date
    min_months: int = 0
    require_good_standing: bool = True

    @property
    def joined_by(self) -> date:
        """The latest join date that still qualifies."""
        return months_before(self.cutoff, self.min_months)

    def admits(self, member: Member) -> bool:
        if self.require_good_standing and member.standing is not Standing.GOOD:
            return False
        return member.joined <= self.joined_by

    def describe(self) -> str:
        parts = []
        if self.require_good_standing:
            parts.append("in good standing")
        if self.min_months:
            parts.append(f"a member for at least {self.min_months} months before {self.cutoff}")
        else:
            parts.append(f"a member on {self.cutoff}")
        return " and ".join(parts)
