"""Ballot profiles: ballots compressed to unique rankings with counts.

A profile is what every counting method eats. Rankings are a 2-D int32 array, one row per unique
ballot, one column per rank; each cell holds a candidate index (0-based, into `candidates`) or one
of the markers below. Ballot anomalies are kept as markers so that each rule decides what they mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

EMPTY = -1  # nothing marked at this rank (a skipped rank if a later rank is marked)
OVERVOTE = -2  # more than one candidate marked at this rank (or a tie in a PrefLib order)
WRITE_IN = -3  # an undeclared write-in at this rank
OVERVOTE_SET = -10  # codes <= -10: an overvote of known candidates, `overvote_sets[-10 - code]`


def overvote_code(index: int) -> int:
    """The marker of the `index`-th entry of a profile's `overvote_sets`."""
    return OVERVOTE_SET - index


@dataclass(frozen=True, eq=False)
class Profile:
    """Unique rankings with integer counts.

    `rankings[i, r]` is the candidate index at rank r+1 of the i-th unique ballot, or a marker;
    `counts[i]` how many ballots carry it (an integer weight: BLT weights are counts too).
    Optionally, overvotes whose candidates are known are coded `overvote_code(k)` (<= -10),
    with `overvote_sets[k]` the candidate indices marked at that rank; plain OVERVOTE means
    the marked candidates are unknown.
    """

    candidates: tuple[str, ...]
    rankings: np.ndarray  # int32, shape (n_unique, max_ranks)
    counts: np.ndarray  # int64, shape (n_unique,)
    overvote_sets: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.rankings.ndim != 2 or self.counts.ndim != 1:
            raise ValueError("rankings must be 2-D and counts 1-D")
        if self.rankings.shape[0] != self.counts.shape[0]:
            raise ValueError("one count per unique ranking")

    @property
    def total(self) -> int:
        """Number of ballots (sum of counts)."""
        return int(self.counts.sum())

    @property
    def max_ranks(self) -> int:
        return int(self.rankings.shape[1])

    @classmethod
    def from_ballots(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[Sequence[int | tuple[int, ...]]],
        counts: Iterable[int] | None = None,
        max_ranks: int | None = None,
    ) -> Profile:
        """Build a profile from rankings given as index sequences (markers allowed).

        A rank may also be a tuple or set of several indices: an overvote of those candidates.
        Convenient for tests and small inputs; large readers build arrays directly and call
        `compress`.
        """
        sets: dict[tuple[int, ...], int] = {}
        rows = [
            [
                overvote_code(sets.setdefault(tuple(sorted(c)), len(sets)))
                if not isinstance(c, int | np.integer)
                else int(c)
                for c in b
            ]
            for b in ballots
        ]
        width = max_ranks if max_ranks is not None else max((len(r) for r in rows), default=0)
        array = np.full((len(rows), max(width, 1)), EMPTY, dtype=np.int32)
        for i, row in enumerate(rows):
            if row:
                array[i, : len(row)] = row[:width]
        weights = (
            np.ones(len(rows), dtype=np.int64)
            if counts is None
            else np.asarray(list(counts), dtype=np.int64)
        )
        return compress(tuple(candidates), array, weights, tuple(sets))

    def expanded(self) -> list[tuple[int, ...]]:
        """One tuple per ballot (counts expanded). For tests and reference implementations."""
        out: list[tuple[int, ...]] = []
        for row, count in zip(self.rankings.tolist(), self.counts.tolist(), strict=True):
            out.extend([tuple(row)] * int(count))
        return out


def compress(
    candidates: tuple[str, ...],
    rankings: np.ndarray,
    counts: np.ndarray,
    overvote_sets: tuple[tuple[int, ...], ...] = (),
) -> Profile:
    """Merge identical rankings, summing their counts. Vectorised: no per-ballot Python loop."""
    rankings = np.ascontiguousarray(rankings, dtype=np.int32)
    counts = np.asarray(counts, dtype=np.int64)
    if rankings.shape[0] == 0:
        return Profile(
            candidates, rankings.reshape(0, max(rankings.shape[1], 1)), counts[:0], overvote_sets
        )
    unique, inverse = _unique_rows(rankings)
    if np.all(counts == 1):
        summed = np.bincount(inverse, minlength=unique.shape[0]).astype(np.int64)
    elif int(np.abs(counts).sum()) < 2**52:
        summed = np.rint(
            np.bincount(inverse, weights=counts, minlength=unique.shape[0])
        ).astype(np.int64)
    else:
        summed = np.zeros(unique.shape[0], dtype=np.int64)
        np.add.at(summed, inverse, counts)
    keep = summed > 0
    return Profile(candidates, unique[keep], summed[keep], overvote_sets)


def _unique_rows(rankings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique rows in lexicographic order and each row's index into them.

    Rows are packed into one int64 key when the values' range allows (fast 1-D sort);
    otherwise numpy's row-wise unique is used.
    """
    width = rankings.shape[1]
    lo = int(rankings.min())
    base = int(rankings.max()) - lo + 1
    if base**width < 2**62:
        key = np.zeros(rankings.shape[0], dtype=np.int64)
        for j in range(width):
            key *= base
            key += rankings[:, j].astype(np.int64) - lo
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return rankings[first], inverse.reshape(-1)
    unique, inverse = np.unique(rankings, axis=0, return_inverse=True)
    return unique, inverse.reshape(-1)
