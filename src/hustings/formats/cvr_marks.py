"""From flat arrays of marks (ballot, rank, candidate) to a profile, vectorised.

Vendor cast vote records (Dominion, Hart, Clear Ballot) say, per ballot, which candidate was
marked at which rank. Read into three arrays of one entry per mark, they become a profile here:
two candidates at one rank are an overvote (of those candidates, or a plain overvote when an
undeclared write-in is among them), a rank with no mark is a skipped rank (EMPTY), and a
candidate marked at several ranks stays at each (the count's duplicate rule decides). The only
Python loop is over overvoted ranks (one step each), never over ballots.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hustings.counting.profile import EMPTY, OVERVOTE, WRITE_IN, Profile
from hustings.formats.cvr_lines import Partials

ROWS = 65536  # ballots expanded to a rankings array at a time (bounded memory)


def profile_from_marks(
    candidates: Sequence[str],
    ballots: int,
    ballot: np.ndarray,
    rank: np.ndarray,
    code: np.ndarray,
    width: int | None = None,
) -> Profile:
    """The profile of `ballots` ballots whose marks are (ballot[i], rank[i], code[i]).

    `ballot` in 0..ballots-1, `rank` from 1, `code` a candidate index or WRITE_IN. Ballots
    without marks are kept (every rank skipped). `width`: ranks per ballot (default: the
    highest rank marked).
    """
    g_ballot, g_rank, value, partials = marked_ranks(ballot, rank, code)
    full = width if width is not None else (int(g_rank.max()) if len(g_rank) else 1)
    full = max(full, 1)
    for lo in range(0, ballots, ROWS):
        hi = min(lo + ROWS, ballots)
        a, b = np.searchsorted(g_ballot, [lo, hi])
        rows = np.full((hi - lo, full), EMPTY, dtype=np.int32)
        rows[g_ballot[a:b] - lo, g_rank[a:b] - 1] = value[a:b]
        partials.add(rows, np.ones(hi - lo, dtype=np.int64))
    return partials.profile(candidates)


def marked_ranks(ballot: np.ndarray, rank: np.ndarray, code: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Partials]:
    """Marks (one entry each) as one value per marked (ballot, rank), sorted by ballot then
    rank: the candidate, or an overvote code when several were marked at that rank (a plain
    OVERVOTE with a write-in among them). The returned Partials knows the overvote sets; fill
    rows with the values and add them to it."""
    ballot = np.asarray(ballot, dtype=np.int64)
    rank = np.asarray(rank, dtype=np.int64)
    code = np.asarray(code, dtype=np.int32)
    order = np.lexsort((code, rank, ballot))
    ballot, rank, code = ballot[order], rank[order], code[order]
    distinct = np.ones(len(ballot), dtype=bool)
    distinct[1:] = (ballot[1:] != ballot[:-1]) | (rank[1:] != rank[:-1]) | (
        code[1:] != code[:-1])
    ballot, rank, code = ballot[distinct], rank[distinct], code[distinct]
    group = np.ones(len(ballot), dtype=bool)
    group[1:] = (ballot[1:] != ballot[:-1]) | (rank[1:] != rank[:-1])
    starts = np.flatnonzero(group)
    sizes = np.diff(np.append(starts, len(ballot)))
    value = code[starts].copy()
    partials = Partials()
    for g in np.flatnonzero(sizes > 1).tolist():  # overvotes: one step per overvoted rank
        members = code[starts[g] : starts[g] + sizes[g]].tolist()
        value[g] = OVERVOTE if WRITE_IN in members else partials.set_code(members)
    return ballot[starts], rank[starts], value, partials
