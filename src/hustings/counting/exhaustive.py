"""Exhaustive ballot, simulated from one ranked profile: a fresh first-preference count among
the continuing candidates each round, dropping the last (or all below a threshold)."""

from __future__ import annotations

from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor, prepare, tally
from hustings.counting.explain import listing, names, num, share
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options

OPTIONS = [
    OptionSpec("drop_below", "percent", None, (),
               "drop every candidate under this share of the round's votes (at least the last)"),
    *tiebreak_options(),
]


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)


def count_exhaustive(
    profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
) -> Outcome:
    """Rounds of first preferences among continuing candidates until one has a majority."""
    opts = EXHAUSTIVE.validate(options, seats, profile.candidates)
    labels = list(profile.candidates)
    n = len(labels)
    if not n:
        raise fail("candidates", "the profile has no candidates")
    ties = breaker(labels, opts)
    cursor = Cursor(prepare(profile), n, profile.overvote_sets)
    continuing = np.ones(n, dtype=bool)
    cursor.start(continuing)
    rounds: list[Round] = []
    history: list[dict[int, Number]] = []
    number = 0
    while True:
        number += 1
        t, exhausted = tally(cursor.top, profile.counts, n)
        alive = [c for c in range(n) if continuing[c]]
        votes = sum(int(t[c]) for c in alive)
        tallies: dict[str, Number] = {labels[c]: int(t[c]) for c in alive}
        notes = [f"Ballot {number}: {listing(tallies)}."]
        best = max(int(t[c]) for c in alive)
        leaders = [c for c in alive if t[c] == best]
        if len(alive) == 1 or (best * 2 > votes and len(leaders) == 1):
            win = leaders[0]
            notes.append(f"{labels[win]} has {share(best, votes)} of the votes, a majority, "
                         "and is elected.")
            rounds.append(Round(number, tallies, elected=(labels[win],), exhausted=exhausted,
                                threshold=votes // 2 + 1, notes=tuple(notes)))
            break
        low = min(int(t[c]) for c in alive)
        gone = []
        if opts["drop_below"] is not None:
            gone = [c for c in alive if 100 * int(t[c]) < opts["drop_below"] * votes]
            if len(gone) >= len(alive):
                gone = []
        if not gone:
            lowest = [c for c in alive if t[c] == low]
            loser = lowest[0]
            if len(lowest) > 1:
                loser = ties.pick(lowest, round=number, history=history)
                notes.append(ties.sentence())
            gone = [loser]
            notes.append(f"No majority; {labels[loser]}, last with {num(low)}, drops out.")
        else:
            notes.append(f"No majority; {names(labels[c] for c in gone)}, under "
                         f"{num(opts['drop_below'])}% of the votes, drop out.")
        history.append({c: int(t[c]) for c in alive})
        continuing[gone] = False
        cursor.leave(~continuing & np.isin(np.arange(n), gone), continuing)
        rounds.append(Round(number, tallies, eliminated=tuple(labels[c] for c in gone),
                            exhausted=exhausted, threshold=votes // 2 + 1, notes=tuple(notes)))
    winner = rounds[-1].elected[0]
    summary = (f"{winner} wins the exhaustive ballot in round {len(rounds)} (simulated from "
               "the ballots' preferences).",)
    return Outcome("exhaustive", 1, tuple(labels), (winner,), tuple(rounds), tuple(ties.ties),
                   0, summary=summary)


EXHAUSTIVE = Method(
    name="exhaustive",
    summary="Repeated ballots, the last candidate dropping out each time, until a majority.",
    options=OPTIONS,
    counter=count_exhaustive,
    check=_check,
    needs="totals",
)
