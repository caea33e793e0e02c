"""Small helpers for the plain-language sentences of a count."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from hustings.counting.outcome import Number, decimal_string
from hustings.domain.rounding import percent


def num(value: Number, decimals: int = 4) -> str:
    """A figure as people read it: whole numbers plainly, fractions at `decimals` places."""
    return decimal_string(value, decimals)


def listing(tallies: Mapping[str, Number], decimals: int = 4) -> str:
    """'A 10, B 8, C 3' in descending order of votes (ties in the given order)."""
    items = sorted(tallies.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{k} {num(v, decimals)}" for k, v in items) or "no candidates"


def names(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    seq: Sequence[str] = list(items)
    if len(seq) <= 1:
        return "".join(seq)
    return f"{', '.join(seq[:-1])} and {seq[-1]}"


def share(part: Number, whole: Number) -> str:
    """part/whole as a percentage at two places, rounded half up."""
    if whole == 0:
        return "0.00%"
    frac = Fraction(part) / Fraction(whole)
    return percent(frac.numerator, frac.denominator) + "%"
