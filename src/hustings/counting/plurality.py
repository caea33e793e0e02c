"""Plurality (first preferences) and vote-for-N (each marked candidate once per ballot)."""

from __future__ import annotations

from typing import Any

import numpy as np

from hustings.counting.explain import listing, names, num, share
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.positions import first_choices, positions
from hustings.counting.profile import Profile
from hustings.counting.single import top_n
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options

OPTIONS = [
    OptionSpec(
        "too_many_marks", "choice", "count-first-n", ("count-first-n", "invalid"),
        "vote-for-N: a ballot marking more than N candidates counts its first N marks, or is "
        "invalid",
    ),
    *tiebreak_options("random"),
]


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)


def count_plurality(
    profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
) -> Outcome:
    """First-preference plurality for one seat; vote-for-N for N seats."""
    opts = PLURALITY.validate(options, seats, profile.candidates)
    if not profile.candidates:
        raise fail("candidates", "the profile has no candidates")
    labels = list(profile.candidates)
    ties = breaker(labels, opts)
    notes: list[str] = []
    if seats == 1:
        t, write_ins, none = first_choices(profile)
        tallies: dict[str, Number] = {labels[c]: int(t[c]) for c in range(len(labels))}
        if write_ins:
            tallies["UWI"] = write_ins
        exhausted = none
        notes.append(f"First preferences: {listing(tallies)}.")
    else:
        pos, length = positions(profile)
        counted = pos < seats
        ok = np.ones(len(length), dtype=bool)
        if opts["too_many_marks"] == "invalid":
            ok = length <= seats
        weights = profile.counts * ok
        t = counted.T.astype(np.int64) @ weights
        tallies = {labels[c]: int(t[c]) for c in range(len(labels))}
        exhausted = int(profile.counts[(length == 0) | ~ok].sum())
        notes.append(f"Marks (each candidate once per ballot, up to {seats}): "
                     f"{listing(tallies)}.")
    if exhausted:
        notes.append(f"{num(exhausted)} ballot{'s' if exhausted != 1 else ''} counted for no "
                     "candidate (blank or invalid).")
    scores = [int(t[c]) for c in range(len(labels))]
    won, tie_notes = top_n(scores, seats, ties)
    notes.extend(tie_notes)
    valid = sum(int(v) for v in tallies.values())
    winners = tuple(labels[c] for c in won)
    if seats == 1:
        notes.append(f"{winners[0]} has the most votes ({num(scores[won[0]])}, "
                     f"{share(scores[won[0]], valid)} of valid votes) and is elected.")
    else:
        notes.append(f"The {seats} candidates with the most votes are elected: {names(winners)}.")
    round1 = Round(1, tallies, elected=winners, exhausted=exhausted, notes=tuple(notes))
    summary = (f"{names(winners)} {'is' if seats == 1 else 'are'} elected by "
               f"{'plurality' if seats == 1 else f'vote-for-{seats}'}.",)
    return Outcome("plurality", seats, tuple(labels), winners, (round1,), tuple(ties.ties), 0,
                   summary=summary)


PLURALITY = Method(
    name="plurality",
    summary="Most first preferences wins; with N seats, vote-for-N (the N most marked win).",
    options=OPTIONS,
    counter=count_plurality,
    multi_winner=True,
    check=_check,
    needs="totals",
)
