"""Ballot batches (a precinct's ballots, as stored) to and from counting profiles.

A batch's codes index the election's candidate keys; a count's profile indexes the candidates
on one poll's ballot. Everything here is vectorised over unique rankings: no per-ballot loop.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hustings.counting.profile import EMPTY, OVERVOTE_SET, Profile, compress
from hustings.domain.polling import BallotBatch


def arrays(batch: BallotBatch) -> tuple[np.ndarray, np.ndarray]:
    """The batch's rankings (int32, one row per unique ranking) and counts (int64)."""
    counts = np.asarray(batch.counts, dtype=np.int64)
    rankings = np.frombuffer(batch.rankings, dtype="<i4").astype(np.int32)
    return rankings.reshape(len(counts), max(batch.width, 1)), counts


def batch_of(profile: Profile, keys: Sequence[str], poll: str, precinct: str,
             source_sha256: str = "") -> BallotBatch:
    """A canonical batch of a profile whose candidates are `keys`: trailing empty ranks
    trimmed, identical rankings merged and sorted, so equal ballots give equal digests."""
    rankings = np.asarray(profile.rankings, dtype=np.int32)
    marked = rankings != EMPTY
    width = int(marked.any(axis=0).nonzero()[0].max()) + 1 if marked.any() else 1
    merged = compress(tuple(keys), rankings[:, :width], profile.counts, profile.overvote_sets)
    return BallotBatch(poll, precinct, tuple(keys), width,
                       merged.rankings.astype("<i4").tobytes(),
                       tuple(int(c) for c in merged.counts.tolist()),
                       merged.overvote_sets, source_sha256)


def remap(rankings: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """Candidate codes (>= 0) replaced by `mapping[code]`; markers kept."""
    if rankings.size == 0:
        return rankings
    out = rankings.copy()
    cand = rankings >= 0
    out[cand] = mapping[rankings[cand]]
    return out


def profile_of(batches: Sequence[BallotBatch], keys: Sequence[str],
               labels: Sequence[str]) -> Profile:
    """One profile of every batch, over the candidates `keys` (labelled `labels`, e.g. their
    names). A mark for a candidate not in `keys` (withdrawn, or not on this poll's ballot)
    counts as an unmarked rank: the ballot moves on to its next preference."""
    index = {k: i for i, k in enumerate(keys)}
    width = max((b.width for b in batches), default=1)
    parts: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    sets: list[tuple[int, ...]] = []
    for batch in batches:
        rankings, counts = arrays(batch)
        mapping = np.array([index.get(k, EMPTY) for k in batch.candidates] or [EMPTY],
                           dtype=np.int32)
        rows = remap(rankings, mapping)
        if batch.overvote_sets:
            coded = rows <= OVERVOTE_SET
            rows[coded] -= len(sets)  # the batch's k-th set becomes the profile's k+offset-th
            sets.extend(tuple(sorted(int(mapping[c]) for c in s if mapping[c] >= 0))
                        for s in batch.overvote_sets)
        if rows.shape[1] < width:
            rows = np.hstack([rows, np.full((rows.shape[0], width - rows.shape[1]), EMPTY,
                                            dtype=np.int32)])
        parts.append(rows)
        weights.append(counts)
    if not parts:
        return Profile(tuple(labels), np.zeros((0, 1), dtype=np.int32),
                       np.zeros(0, dtype=np.int64))
    return compress(tuple(labels), np.vstack(parts), np.concatenate(weights), tuple(sets))


def first_preferences(batch: BallotBatch) -> tuple[dict[str, int], int, int]:
    """Per candidate key, the ballots whose first mark is that candidate; then the blank
    ballots (nothing marked) and those whose first mark is an overvote or a write-in."""
    rankings, counts = arrays(batch)
    n = len(batch.candidates)
    if rankings.shape[0] == 0:
        return dict.fromkeys(batch.candidates, 0), 0, 0
    marked = rankings != EMPTY
    has = marked.any(axis=1)
    first = rankings[np.arange(rankings.shape[0]), marked.argmax(axis=1)]
    valid = has & (first >= 0)
    votes = np.bincount(first[valid], weights=counts[valid], minlength=n)
    blank = int(counts[~has].sum())
    invalid = int(counts[has & (first < 0)].sum())
    return ({k: int(round(v)) for k, v in zip(batch.candidates, votes.tolist(), strict=True)},
            blank, invalid)
