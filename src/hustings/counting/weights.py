"""Exact ballot weights shared by parcels: one small table of values, one id per row.

Under Gregory-family transfers every ballot in a parcel gets the same new value, so rows
share few distinct weights. Each row holds an id into `values` (exact Fractions, truncated
to `decimals` places when the rule fixes a precision), and tallies are group counts (exact
integers from numpy) times those values: no per-ballot Python work, no floats in figures.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


class Weights:
    """Per-row weight ids into a table of exact values."""

    def __init__(self, n_rows: int, decimals: int | None = None) -> None:
        self.decimals = decimals
        self.values: list[Fraction] = [Fraction(1)]
        self.index: dict[Fraction, int] = {Fraction(1): 0}
        self.wid = np.zeros(n_rows, dtype=np.int64)

    def value_id(self, value: Fraction) -> int:
        """The id of `value`, added to the table if new."""
        found = self.index.get(value)
        if found is None:
            found = len(self.values)
            self.values.append(value)
            self.index[value] = found
        return found

    def truncate(self, value: Fraction) -> Fraction:
        """`value` cut (rounded down) to the declared decimals; exact if none declared."""
        if self.decimals is None:
            return value
        scale = 10**self.decimals
        return Fraction(value.numerator * scale // value.denominator, scale)

    def scale_rows(self, rows: np.ndarray, factor: Fraction) -> None:
        """Multiply the weights of `rows` by `factor`, truncating each new value."""
        old = self.wid[rows]
        mapping = {
            int(k): self.value_id(self.truncate(self.values[int(k)] * factor))
            for k in np.unique(old)
        }
        lookup = np.zeros(len(self.values), dtype=np.int64)
        for k, v in mapping.items():
            lookup[k] = v
        self.wid[rows] = lookup[old]

    def sums(
        self, top: np.ndarray, counts: np.ndarray, n: int, rows: np.ndarray | None = None
    ) -> tuple[list[Fraction], Fraction]:
        """Exact weighted votes per candidate 0..n-1 and for exhausted rows (top == -1)."""
        if rows is not None:
            top, counts, wid = top[rows], counts[rows], self.wid[rows]
        else:
            wid = self.wid
        nw = len(self.values)
        key = (top + 1) * nw + wid
        grouped = np.rint(np.bincount(key, weights=counts, minlength=(n + 1) * nw))
        table = grouped.astype(np.int64).reshape(n + 1, nw)
        out: list[Fraction] = []
        for c in range(n + 1):
            line = table[c]
            nz = np.flatnonzero(line)
            out.append(sum((int(line[k]) * self.values[k] for k in nz), Fraction(0)))
        return out[1:], out[0]

    def parcel_value(self, rows: np.ndarray, counts: np.ndarray) -> Fraction:
        """The exact total value of `rows`."""
        nw = len(self.values)
        grouped = np.rint(np.bincount(self.wid[rows], weights=counts[rows], minlength=nw))
        return sum(
            (int(g) * self.values[k] for k, g in enumerate(grouped.astype(np.int64)) if g),
            Fraction(0),
        )
