"""Meek STV: keep values iterated until the total surplus falls below a limit.

Every ballot passes along its ranking: an elected candidate keeps `keep value` of what
reaches it, a hopeful keeps all, an excluded candidate none. The quota is recomputed each
iteration as (votes - excess) / (seats + 1) plus one unit in the last place. Arithmetic is
fixed-point at `decimals` places (default 9), amounts kept and keep values rounded up as in
Hill, Wichmann and Woodall's algorithm. Slower than WIGM: each iteration walks every column
of every row (vectorised), and a round may take many iterations.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.ballots import STOP, prepare
from hustings.counting.explain import listing, names, num
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import breaker

HOPEFUL, ELECTED, DEFEATED = 0, 2, 3
MAX_ITERATIONS = 500


def count_meek(profile: Profile, seats: int, opts: dict[str, Any]) -> Outcome:
    """Count Meek STV with options validated by `stv` (decimals set, at most 18; the quota
    and the overvote rules Meek allows checked there)."""
    d = int(opts["decimals"])
    scale = 10**d
    labels = list(profile.candidates)
    n = len(labels)
    codes = prepare(
        profile,
        overvote=opts["overvote_rule"],
        max_skipped=opts["max_skipped_ranks"],
        duplicates=opts["duplicates"],
        max_rankings=opts["max_rankings"],
    )
    counts = profile.counts.astype(np.int64)
    total = int(counts.sum())
    big = total * scale >= 2**52 or d > 9
    limit = int(opts["surplus_limit"] * scale) or 1
    places = f"{d} decimal place{'s' if d != 1 else ''}"
    state = np.full(n, HOPEFUL, dtype=np.int64)
    keep = np.full(n, scale, dtype=np.int64)
    ties = breaker(labels, opts)
    order: list[int] = []
    rounds: list[Round] = []
    history: list[dict[int, Number]] = []
    number = 0
    valid = 0
    while True:
        number += 1
        iterations = 0
        why = ""
        while True:
            iterations += 1
            votes, excess = _distribute(codes, counts, keep, scale, n, big)
            if number == 1 and iterations == 1:
                valid = total - excess // scale
            quota = (total * scale - excess) // (seats + 1) + 1
            elected = np.flatnonzero(state == ELECTED)
            surplus = sum(int(votes[c]) - quota for c in elected if votes[c] > quota)
            hopeful_reach = any(votes[c] >= quota for c in np.flatnonzero(state == HOPEFUL))
            if not elected.size or surplus < limit or hopeful_reach:
                break
            if iterations >= MAX_ITERATIONS:
                why = (f" (the keep values still move at {places} after {MAX_ITERATIONS} "
                       "iterations: the count goes on from these)")
                break
            changed = False
            for c in elected:
                new = -(-int(keep[c]) * quota // int(votes[c])) if votes[c] else scale
                new = min(new, scale)
                changed |= new != keep[c]
                keep[c] = new
            if not changed:
                why = (f" (the keep values no longer change at {places}, though the surplus "
                       "is above the limit)")
                break
        tallies: dict[str, Number] = {
            labels[c]: Fraction(int(votes[c]), scale) for c in range(n) if state[c] != DEFEATED
        }
        exhausted = Fraction(excess, scale)
        notes = [
            f"After {iterations} iteration{'s' if iterations != 1 else ''}{why} the quota is "
            f"{num(Fraction(quota, scale), d)}; votes: {listing(tallies, min(d, 6))}."
        ]
        newly = [int(c) for c in np.flatnonzero(state == HOPEFUL) if votes[c] >= quota]
        newly.sort(key=lambda c: -int(votes[c]))
        left = seats - len(order)
        newly = newly[:left]
        for w in newly:
            state[w] = ELECTED
            order.append(w)
        if newly:
            notes.append(f"{names(labels[c] for c in newly)} reach the quota and are elected.")
        hopeful = [int(c) for c in np.flatnonzero(state == HOPEFUL)]
        left = seats - len(order)
        eliminated: tuple[str, ...] = ()
        done = left <= 0 or len(hopeful) <= left
        if done and left > 0 and hopeful:
            for h in hopeful:
                state[h] = ELECTED
                order.append(h)
                newly.append(h)
            notes.append(f"{names(labels[c] for c in hopeful)} fill the remaining seats.")
        elif not done and not newly:
            low = min(int(votes[c]) for c in hopeful)
            tied = [c for c in hopeful if votes[c] == low]
            loser: int = tied[0]
            if len(tied) > 1:
                loser = ties.pick(tied, round=number, history=history)
                notes.append(ties.sentence())
            state[loser] = DEFEATED
            keep[loser] = 0
            eliminated = (labels[loser],)
            notes.append(f"{labels[loser]} has the fewest votes and is excluded.")
        history.append({c: Fraction(int(votes[c]), scale) for c in range(n)})
        rounds.append(Round(
            number, tallies, tuple(labels[c] for c in newly), eliminated, exhausted,
            Fraction(quota, scale), {}, tuple(notes),
        ))
        if done:
            break
    winners = tuple(labels[c] for c in order)
    summary = (
        f"{names(winners)} {'are' if len(winners) > 1 else 'is'} elected by Meek STV "
        f"({d} decimal places) in {len(rounds)} rounds.",
    )
    extras = {"variant": "meek", "valid": valid,
              "keep_values": {labels[c]: num(Fraction(int(keep[c]), scale), d)
                              for c in range(n)}}
    return Outcome("stv", seats, tuple(labels), winners, tuple(rounds), tuple(ties.ties),
                   min(d, 9), extras, summary)


def _distribute(
    codes: np.ndarray, counts: np.ndarray, keep: np.ndarray, scale: int, n: int, big: bool
) -> tuple[np.ndarray, int]:
    """Votes per candidate and the excess (exhausted), scaled integers."""
    dtype: Any = object if big else np.int64
    rem = np.full(codes.shape[0], scale, dtype=dtype)
    votes = np.zeros(n, dtype=object)
    kf = np.append(keep, 0).astype(dtype)
    for j in range(codes.shape[1]):
        col = codes[:, j]
        live = rem > 0
        if not live.any():
            break
        stop = live & (col == STOP)
        rem[stop] = 0
        cand = np.where(col >= 0, col, n)
        factor = kf[cand]
        kept = -(-(rem * factor) // scale)  # rounded up
        kept = np.minimum(kept, rem)
        amount = kept * counts
        if big:
            for c in range(n):
                pick = cand == c
                if pick.any():
                    votes[c] += int(amount[pick].sum())
        else:
            sums = np.bincount(cand, weights=amount, minlength=n + 1)
            votes += np.rint(sums[:n]).astype(np.int64).astype(object)
        rem = rem - kept
    excess = int((rem * counts).sum())
    return votes, excess
