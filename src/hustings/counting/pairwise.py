"""The pairwise matrix: how many ballots rank each candidate above each other one.

A ranked candidate is above every unranked one; two unranked candidates are level.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hustings.counting.positions import positions
from hustings.counting.profile import Profile


def matrix(profile: Profile) -> np.ndarray:
    """d[a, b]: ballots preferring a to b (int64, n × n, zero diagonal)."""
    pos, _ = positions(profile)
    n = len(profile.candidates)
    d = np.zeros((n, n), dtype=np.int64)
    counts = profile.counts
    for a in range(n):
        above = pos[:, a : a + 1] < pos  # rows × n
        d[a] = counts @ above.astype(np.int64)
    return d


def as_dict(d: np.ndarray, labels: list[str]) -> dict[str, Any]:
    """The matrix as {a: {b: ballots preferring a to b}} for Outcome.extras."""
    n = len(labels)
    return {labels[a]: {labels[b]: int(d[a, b]) for b in range(n) if b != a} for a in range(n)}


def condorcet_winner(d: np.ndarray) -> int | None:
    """The candidate beating every other head to head, if any."""
    n = d.shape[0]
    for a in range(n):
        if all(d[a, b] > d[b, a] for b in range(n) if b != a):
            return a
    return None
