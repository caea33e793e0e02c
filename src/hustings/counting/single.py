"""Shared pieces of the single-round methods: choosing the top N with recorded ties."""

from __future__ import annotations

from collections.abc import Sequence

from hustings.counting.outcome import Number
from hustings.counting.ties import TieBreaker


def top_n(
    scores: Sequence[Number], k: int, ties: TieBreaker, *, round: int = 1,
    eligible: Sequence[int] | None = None, purpose: str = "election",
) -> tuple[list[int], list[str]]:
    """The `k` highest-scoring candidates (ties at the boundary broken and recorded)."""
    pool = list(range(len(scores))) if eligible is None else list(eligible)
    chosen: list[int] = []
    notes: list[str] = []
    while len(chosen) < k and pool:
        best = max(scores[c] for c in pool)
        level = [c for c in pool if scores[c] == best]
        if len(chosen) + len(level) <= k:
            chosen.extend(level)
            pool = [c for c in pool if c not in level]
            continue
        pick = ties.pick(level, round=round, purpose=purpose, lowest=False)
        notes.append(ties.sentence())
        chosen.append(pick)
        pool.remove(pick)
    return chosen, notes
