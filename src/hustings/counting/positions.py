"""Each ballot's ranks as positions per candidate, for the single-round methods.

Rankings are read by the default ballot rules: blanks are passed over, an overvote or an
undeclared write-in ends the usable ranking, a repeated candidate keeps its first rank.
"""

from __future__ import annotations

import numpy as np

from hustings.counting.ballots import STOP, prepare
from hustings.counting.profile import Profile


def positions(profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """(pos, length): pos[i, c] is c's 0-based rank on row i among its usable marks, or n if
    unranked; length[i] the number of usable marks."""
    n = len(profile.candidates)
    codes = prepare(profile)
    rows = codes.shape[0]
    pos = np.full((rows, n), n, dtype=np.int64)
    length = np.zeros(rows, dtype=np.int64)
    idx = np.arange(rows)
    for j in range(codes.shape[1]):
        c = codes[:, j]
        ok = c >= 0
        take = idx[ok]
        cc = c[ok]
        pos[take, cc] = length[take]
        length[take] += 1
    return pos, length


def first_choices(profile: Profile) -> tuple[np.ndarray, int, int]:
    """Ballots per candidate by first usable mark; write-ins counted apart; the rest none.

    Returns (tallies int64 over candidates, write-in ballots, ballots with no usable mark).
    """
    n = len(profile.candidates)
    codes = prepare(profile, write_in=n)
    first = np.full(codes.shape[0], -1, dtype=np.int64)
    undecided = np.ones(codes.shape[0], dtype=bool)
    for j in range(codes.shape[1]):
        c = codes[:, j]
        hit = undecided & (c >= 0)
        first[hit] = c[hit]
        undecided &= ~hit & (c != STOP)
    sums = np.rint(np.bincount(first + 1, weights=profile.counts, minlength=n + 2))
    sums = sums.astype(np.int64)
    return sums[1 : n + 1], int(sums[n + 1]), int(sums[0])
