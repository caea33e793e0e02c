"""What a count produces: winners, every round, every tie and how it was broken, in words too."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from hustings.domain.rounding import round_half_up

Number = int | Fraction


def decimal_string(value: Number, decimals: int) -> str:
    """An exact number as a decimal string: integers plainly, fractions at `decimals` places.

    Fractions that are exact at fewer places are printed exactly (no padding beyond need is
    added for whole numbers); others are rounded half up at `decimals` places.
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return round_half_up(value, decimals)


def exact_string(value: Number) -> str:
    """An exact number as text, never rounded: `7`, `6.125` (a terminating decimal), or `71/11`.

    This is what the JSON carries: each rule's own precision (a rule that rounds to 5 places
    gives at most 5 places here; exact WIGM gives exact fractions).
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10**places // value.denominator
    sign = "-" if value < 0 else ""
    return f"{sign}{scaled // 10**places}.{scaled % 10**places:0{places}d}"


@dataclass(frozen=True)
class Tie:
    """A tie the rule had to break: who was tied, how it was broken, and whom it chose."""

    round: int
    between: tuple[str, ...]
    broken_by: str  # e.g. "previous-round counts", "lot drawn with seed 42", "given order"
    chosen: str
    purpose: str = "elimination"  # or "election", "runoff place"


@dataclass(frozen=True)
class Round:
    number: int
    tallies: dict[str, Number]  # candidate -> votes (or points, share...) in this round
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    exhausted: Number = 0
    threshold: Number | None = None
    transfers: dict[str, dict[str, Number]] = field(default_factory=dict)  # from -> to -> amount
    notes: tuple[str, ...] = ()  # plain-language sentences about this round


@dataclass(frozen=True)
class Outcome:
    method: str
    seats: int
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    rounds: tuple[Round, ...]
    ties: tuple[Tie, ...] = ()
    decimals: int = 4  # display precision of fractional figures
    extras: dict[str, Any] = field(default_factory=dict)  # e.g. the pairwise matrix
    summary: tuple[str, ...] = ()  # plain-language sentences about the whole count

    def to_dict(self) -> dict[str, Any]:
        """The published JSON contract of `hustings count --format json`.

        Figures are exact (`exact_string`): integers, terminating decimals or fractions
        `p/q`; `decimals` is the precision the rule rounds to for display (tables, CSV).
        """
        x = exact_string
        return {
            "method": self.method,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "winners": list(self.winners),
            "decimals": self.decimals,
            "rounds": [
                {
                    "round": r.number,
                    "tallies": {k: x(v) for k, v in r.tallies.items()},
                    "elected": list(r.elected),
                    "eliminated": list(r.eliminated),
                    "exhausted": x(r.exhausted),
                    "threshold": None if r.threshold is None else x(r.threshold),
                    "transfers": {
                        src: {dst: x(v) for dst, v in to.items()}
                        for src, to in r.transfers.items()
                    },
                    "explanation": list(r.notes),
                }
                for r in self.rounds
            ],
            "ties": [
                {"round": t.round, "between": list(t.between), "broken_by": t.broken_by,
                 "chosen": t.chosen, "purpose": t.purpose}
                for t in self.ties
            ],
            "summary": list(self.summary),
            **({"extras": _jsonable(self.extras)} if self.extras else {}),
        }

    def explain(self) -> list[str]:
        """Every sentence of the count, round by round, then the summary."""
        lines: list[str] = []
        for r in self.rounds:
            lines.extend(f"Round {r.number}: {n}" for n in r.notes)
        lines.extend(self.summary)
        return lines


def _jsonable(value: Any) -> Any:
    if isinstance(value, Fraction):
        return exact_string(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
