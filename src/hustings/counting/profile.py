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
        return exact_sum(self.counts) if len(self.counts) else 0

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
    packed = _pack(rankings)
    if packed is not None:  # one int64 key per row: a 1-D sort, rows unpacked from the keys
        key, lo, base = packed
        if np.all(counts == 1):
            keys, summed = np.unique(key, return_counts=True)
            summed = summed.astype(np.int64)
        else:
            order = np.argsort(key, kind="stable")
            key = key[order]
            starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
            keys = key[starts]
            summed = np.add.reduceat(counts[order], starts)  # int64: exact below 2^63
        unique = np.empty((len(keys), rankings.shape[1]), dtype=np.int32)
        rest = keys.copy()
        for col in range(rankings.shape[1] - 1, -1, -1):
            unique[:, col] = rest % base + lo
            rest //= base
    else:  # too wide for one key: several keys, sorted together (lexsort)
        groups = _pack_groups(rankings)
        order = np.lexsort(groups[::-1])
        changed = np.zeros(len(order), dtype=bool)
        changed[0] = True
        for group in groups:
            ordered = group[order]
            changed[1:] |= ordered[1:] != ordered[:-1]
        starts = np.flatnonzero(changed)
        unique = rankings[order[starts]]
        summed = np.add.reduceat(counts[order], starts)
    keep = summed > 0
    return Profile(candidates, unique[keep], summed[keep], overvote_sets)


def _pack_groups(rankings: np.ndarray) -> list[np.ndarray]:
    """Rows as several int64 keys, each packing as many columns as fit (order kept)."""
    lo = int(rankings.min())
    base = int(rankings.max()) - lo + 1
    per_key = max(1, int(61 // max(np.log2(base), 1)))
    keys = []
    for first in range(0, rankings.shape[1], per_key):
        key = np.zeros(rankings.shape[0], dtype=np.int64)
        for j in range(first, min(first + per_key, rankings.shape[1])):
            key *= base
            key += rankings[:, j]
            key -= lo
        keys.append(key)
    return keys


def _pack(rankings: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """Each row as one int64 key (lexicographic order kept), when the values' range allows."""
    width = rankings.shape[1]
    lo = int(rankings.min())
    base = int(rankings.max()) - lo + 1
    if base**width >= 2**62:
        return None
    key = np.zeros(rankings.shape[0], dtype=np.int64)
    for j in range(width):
        key *= base
        key += rankings[:, j]
        key -= lo
    return key, lo, base


def exact_sum(counts: np.ndarray) -> int:
    """The exact sum of non-negative int64 counts (numpy's own sum may wrap past 2^63)."""
    counts = np.asarray(counts, dtype=np.int64)
    return (int((counts >> 32).sum()) << 32) + int((counts & 0xFFFFFFFF).sum())


DROPPED = -9  # transient code of a removed candidate (between the markers and the sets)


def without_candidates(profile: Profile, removed: Sequence[int]) -> Profile:
    """The profile without the given candidates: each ballot passes over them (vectorised).

    An overvote set left with one candidate becomes a mark for that candidate.
    """
    if not removed:
        return profile
    gone_set = set(removed)
    keep = [i for i in range(len(profile.candidates)) if i not in gone_set]
    new_index = {old: new for new, old in enumerate(keep)}
    sets = profile.overvote_sets
    low = OVERVOTE_SET - len(sets)  # every code is >= low + 1
    lut = np.arange(low, len(profile.candidates), dtype=np.int32)  # code -> new code
    lut[np.asarray(removed) - low] = DROPPED
    for old, new in new_index.items():
        lut[old - low] = new
    new_sets: list[tuple[int, ...]] = []
    for k, members in enumerate(sets):
        left = tuple(new_index[c] for c in members if c in new_index)
        if len(left) > 1:
            new_sets.append(left)
            code = overvote_code(len(new_sets) - 1)
        else:
            code = left[0] if left else DROPPED
        lut[overvote_code(k) - low] = code
    recoded = lut[profile.rankings - low]
    gone = recoded == DROPPED
    order = np.argsort(gone, axis=1, kind="stable")
    shifted = np.take_along_axis(recoded, order, axis=1)
    shifted[np.take_along_axis(gone, order, axis=1)] = EMPTY
    names = tuple(profile.candidates[i] for i in keep)
    return compress(names, shifted, profile.counts, tuple(new_sets))
