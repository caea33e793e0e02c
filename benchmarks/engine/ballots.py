"""The engine benchmark's ballots: seeded, so hustings and the peers count the same ones.

Shared by `run.py` (hustings' venv) and `peers.py` (.venv-bench); numpy only.
"""

from __future__ import annotations

import numpy as np

CANDIDATES = 10


def rankings(n: int, seed: int = 2017) -> np.ndarray:
    """n ballots over 10 candidates, Zipf-like support, most voters ranking 1-5; -1 pads."""
    rng = np.random.default_rng(seed)
    support = np.log(1.0 / np.arange(1, CANDIDATES + 1) ** 0.8)
    order = np.argsort(-(support + rng.gumbel(size=(n, CANDIDATES))), axis=1).astype(np.int32)
    depth = rng.choice(np.arange(1, CANDIDATES + 1), size=n,
                       p=[0.30, 0.20, 0.15, 0.12, 0.08, 0.05, 0.04, 0.03, 0.02, 0.01])
    order[np.arange(CANDIDATES)[None, :] >= depth[:, None]] = -1
    return order


def unique(order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique rankings and their counts (what every peer is given, so only counting is timed)."""
    rows, counts = np.unique(order, axis=0, return_counts=True)
    return rows, counts
