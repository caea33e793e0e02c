"""Declared rounding rules for published figures. Exact: integers and Fractions in, strings out."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def percent(numerator: int, denominator: int, places: int = 2) -> str:
    """`numerator / denominator` as a percentage rounded half up at `places` decimals.

    >>> percent(631, 1271)
    '49.65'
    >>> percent(0, 0)
    '0.00'
    """
    if denominator == 0:
        return format(Decimal(0), f".{places}f")
    return round_half_up(Fraction(100 * numerator, denominator), places)


def round_half_up(value: Fraction, places: int) -> str:
    """An exact fraction rounded half up (away from zero on .5) to `places` decimals."""
    scaled = value * (10**places)
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole = magnitude.numerator // magnitude.denominator
    if (magnitude - whole) * 2 >= 1:
        whole += 1
    quantum = Decimal(1).scaleb(-places)
    return str((Decimal(sign * whole) * quantum).quantize(quantum, rounding=ROUND_HALF_UP))
