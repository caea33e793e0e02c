"""Ballot rules applied to a profile's rankings, and a vectorised cursor over them.

`prepare` turns a profile's markers into the codes below once, by the declared ballot rules
(overvotes, skipped ranks, duplicates, rank limit, write-ins). `Cursor` then keeps, per unique
ranking, a pointer to its current top continuing choice; when candidates stop continuing only
the rows pointing at them are advanced, column by column, vectorised over rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hustings.counting.options import UNLIMITED
from hustings.counting.profile import EMPTY, OVERVOTE, OVERVOTE_SET, WRITE_IN, Profile

PASS = -1  # look at the next rank
STOP = -4  # the ballot is exhausted at this rank
EXHAUSTED = -1  # a cursor's top when no continuing choice is left


def prepare(
    profile: Profile,
    *,
    overvote: str = "exhaust-immediately",
    max_skipped: int | str = UNLIMITED,
    duplicates: str = "skip",
    max_rankings: int | None = None,
    write_in: int | None = None,
) -> np.ndarray:
    """Rankings recoded by the ballot rules: candidate >= 0, PASS, STOP or an overvote set code.

    overvote: exhaust-immediately (STOP), always-skip-to-next (PASS), exhaust-if-multiple
    and suspend-if-multiple (known sets kept for the cursor to judge; an overvote of unknown
    candidates is STOP).
    write_in: the candidate index standing for undeclared write-ins, or None to exhaust there.
    """
    r = np.array(profile.rankings, dtype=np.int32, copy=True)
    if max_rankings is not None:
        r = r[:, :max_rankings]
    if r.shape[1] == 0:
        return np.full((r.shape[0], 1), STOP, dtype=np.int32)
    blank = r == EMPTY
    # a duplicate: a candidate already marked at an earlier rank
    dup = np.zeros(r.shape, dtype=bool)
    for j in range(1, r.shape[1]):
        col = r[:, j]
        for k in range(j):
            dup[:, j] |= (col == r[:, k]) & (col >= 0)
    sets = r <= OVERVOTE_SET
    out = r.copy()
    out[r == WRITE_IN] = STOP if write_in is None else write_in
    if overvote == "exhaust-immediately":
        out[(r == OVERVOTE) | sets] = STOP
    elif overvote == "always-skip-to-next":
        out[(r == OVERVOTE) | sets] = PASS
    else:
        out[r == OVERVOTE] = STOP
    out[dup] = STOP if duplicates == "exhaust" else PASS
    out[blank] = PASS
    if max_skipped != UNLIMITED:
        run = np.zeros(r.shape[0], dtype=np.int32)
        for j in range(r.shape[1]):
            run = np.where(blank[:, j], run + 1, 0)
            out[run > int(max_skipped), j] = STOP
    # everything after a STOP is unreachable: make it STOP so the cursor needs no lookahead
    stopped = np.logical_or.accumulate(out == STOP, axis=1)
    out[stopped] = STOP
    return out


class Cursor:
    """Each row's current top continuing choice (or EXHAUSTED) and its column."""

    def __init__(
        self,
        codes: np.ndarray,
        n_candidates: int,
        overvote_sets: Sequence[tuple[int, ...]] = (),
        suspend: bool = False,
    ) -> None:
        """`suspend`: a row reaching an overvote set with several continuing candidates waits
        there (counted as exhausted) instead of exhausting for good; `release` hands the
        waiting rows back to be judged again once candidates have stopped continuing."""
        self.codes = codes
        self.n = n_candidates
        self.sets = [tuple(s) for s in overvote_sets]
        self.pos = np.full(codes.shape[0], -1, dtype=np.int64)
        self.top = np.full(codes.shape[0], EXHAUSTED, dtype=np.int64)
        self.suspend = suspend
        self.waiting = np.zeros(codes.shape[0], dtype=bool)

    def release(self) -> np.ndarray:
        """The waiting rows, set to be judged again at their overvote (see `suspend`)."""
        if not self.suspend or not self.waiting.any():
            return np.empty(0, dtype=np.int64)
        rows = np.flatnonzero(self.waiting)
        self.waiting[rows] = False
        self.pos[rows] -= 1
        return rows

    def advance(self, rows: np.ndarray, continuing: np.ndarray) -> None:
        """Move `rows` (indices) on from their current column to their next continuing choice.

        `continuing` is a bool array over candidates.
        """
        width = self.codes.shape[1]
        cont = np.append(continuing.astype(bool), False)  # index n: never continuing
        set_count, set_single = self._judge_sets(continuing)
        rows = np.asarray(rows, dtype=np.int64)
        p = self.pos[rows] + 1
        while rows.size:
            inside = p < width
            done_rows, rows, p = rows[~inside], rows[inside], p[inside]
            self.top[done_rows] = EXHAUSTED
            self.pos[done_rows] = width
            if not rows.size:
                break
            v = self.codes[rows, p]
            cand = np.where(v >= 0, v, self.n)
            found = cont[cand]
            stop = v == STOP
            if set_count.size:
                is_set = v <= OVERVOTE_SET
                k = np.where(is_set, OVERVOTE_SET - v, 0)
                many = is_set & (set_count[k] > 1)
                one = is_set & (set_count[k] == 1)
                if self.suspend:
                    wait = rows[many]
                    self.waiting[wait] = True
                    self.top[wait] = EXHAUSTED
                    self.pos[wait] = p[many]
                    rows, p, v = rows[~many], p[~many], v[~many]
                    cand, found, stop = cand[~many], found[~many], stop[~many]
                    is_set, k, one = is_set[~many], k[~many], one[~many]
                else:
                    stop |= many
                v = np.where(one, set_single[k], v)
                found |= one
            self.top[rows[found]] = v[found]
            self.pos[rows[found]] = p[found]
            self.top[rows[stop]] = EXHAUSTED
            self.pos[rows[stop]] = width
            go = ~(found | stop)
            rows, p = rows[go], p[go] + 1

    def _judge_sets(self, continuing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        count = np.array([sum(bool(continuing[c]) for c in s) for s in self.sets], dtype=np.int64)
        single = np.array(
            [next((c for c in s if continuing[c]), -1) for s in self.sets], dtype=np.int64
        )
        return count, single

    def start(self, continuing: np.ndarray) -> None:
        """Point every row at its first continuing choice."""
        self.pos[:] = -1
        self.advance(np.arange(self.codes.shape[0]), continuing)

    def leave(self, gone: np.ndarray, continuing: np.ndarray) -> np.ndarray:
        """Advance the rows whose top is in `gone` (bool over candidates); return those rows."""
        mask = np.append(gone.astype(bool), False)
        rows = np.flatnonzero(mask[self.top])
        self.advance(rows, continuing)
        return rows


def tally(top: np.ndarray, counts: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """Whole-ballot tallies per candidate (int64) and the number exhausted."""
    sums = np.bincount(top + 1, weights=counts, minlength=n + 1)
    exact = np.rint(sums).astype(np.int64)
    return exact[1:], int(exact[0])
