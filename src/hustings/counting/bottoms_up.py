"""Bottoms-up multi-seat counting (RCTab's `bottomsUp` and `bottomsUpUsingPercentageThreshold`).

No one is elected by reaching a quota and no surplus moves: each round the lowest candidate
is eliminated (undeclared write-ins first while they hold votes; `batch_elimination` as in
IRV) and their ballots move on at full value, until

- (the default) no more candidates remain than seats: they are all elected, in that round;
- (with `threshold_percent`) every continuing candidate has more than that share of the
  round's continuing votes: they are all elected, however many there are (`seats` plays no
  part). The threshold is recomputed each round, or fixed at round 1's with
  `threshold_round=first`. With `cutoff_elimination`, every candidate below the threshold is
  eliminated at once (if that would be everyone, the lowest alone goes).

`minimum_votes` (RCTab 2.0's minimumVoteThreshold, as in `irv`): the threshold is never below
it, and a round that eliminates drops, after write-ins holding votes, every candidate with fewer
votes together; refused when that would leave fewer candidates than seats (one, with a
percentage), as RCTab cannot finish such a count. RCTab never had it with cutoff elimination
(added when it was retired), so that pair is refused.

Rounds follow RCTab's reports: a round elects or eliminates; ties for elimination are broken
by the tie-break.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor, tally
from hustings.counting.explain import listing, names, num
from hustings.counting.irv import (
    BALLOT_OPTIONS,
    _move,
    _opening,
    _transfer_sentence,
    check_ballot_options,
    codes_for,
)
from hustings.counting.irv_rctab import _losers
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options

OPTIONS_HELP = {
    "threshold_percent": "elect everyone left once each has more than this percentage of "
                         "the round's continuing votes (seats then plays no part); none: "
                         "eliminate until as many candidates remain as seats",
}


def _options() -> list[OptionSpec]:
    return [
        *BALLOT_OPTIONS,
        OptionSpec(
            "batch_elimination", "bool", False, (),
            "eliminate together all the lowest candidates whose combined votes are fewer than "
            "the next candidate's",
        ),
        OptionSpec(
            "uwi_on_ballot", "bool", False, (),
            "the ballot has a write-in line: with write_ins=eliminate-first, UWI stands (and is "
            "eliminated in round 1) even with no votes",
        ),
        OptionSpec("threshold_percent", "percent", None, (), OPTIONS_HELP["threshold_percent"]),
        OptionSpec(
            "threshold_round", "choice", "every", ("every", "first"),
            "with threshold_percent: the share of each round's continuing votes, or of round "
            "1's throughout (RCTab's doesFirstRoundDetermineThreshold)",
        ),
        OptionSpec(
            "cutoff_elimination", "bool", False, (),
            "with threshold_percent: eliminate at once every candidate below the threshold",
        ),
        OptionSpec(
            "stop_after_round", "int|None", None, (),
            "stop counting after this round (RCTab's stopTabulationEarlyAfterRound): no one is "
            "elected, as a bottoms-up count elects only at its end",
        ),
        OptionSpec(
            "minimum_votes", "int", 0, (),
            "RCTab's minimumVoteThreshold: the threshold is never below this, and a round that "
            "eliminates first drops, together, every candidate with fewer votes (after "
            "undeclared write-ins); refused if fewer candidates than seats have it",
        ),
        *tiebreak_options(),
    ]


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_ballot_options(options, candidates)
    check_tiebreak(options, candidates)
    percent = options["threshold_percent"]
    if percent is None:
        for name, plain in (("threshold_round", "every"), ("cutoff_elimination", False)):
            if options[name] != plain:
                raise fail(name, f"{name} needs threshold_percent")
    elif percent == 0:
        raise fail("threshold_percent", "threshold_percent must be above 0")
    if options["stop_after_round"] is not None and options["stop_after_round"] < 1:
        raise fail("stop_after_round", "stop_after_round must be at least 1")
    if options["minimum_votes"] and options["cutoff_elimination"]:
        raise fail("minimum_votes", "minimum_votes cannot go with cutoff_elimination (RCTab "
                   "retired the minimum when it added cutoff elimination)")


def count_bottoms_up(profile: Profile, seats: int, opts: dict[str, Any]) -> Outcome:
    """Eliminate from the bottom until the seats (or the threshold) decide who is elected."""
    codes, labels, uwi = codes_for(profile, opts)
    n = len(labels)
    counts = profile.counts
    ties = breaker(labels, opts)
    cursor = Cursor(codes, n, profile.overvote_sets,
                    suspend=opts["overvote_rule"] == "suspend-if-multiple")
    continuing = np.ones(n, dtype=bool)
    cursor.start(continuing)
    percent: Fraction | None = opts["threshold_percent"]
    minimum = int(opts["minimum_votes"])
    stop = opts["stop_after_round"]
    rounds: list[Round] = []
    history: list[dict[int, Number]] = []
    winners: list[int] = []
    threshold = Fraction(0)
    number = 0
    while not winners:
        number += 1
        t, exhausted = tally(cursor.top, counts, n)
        alive = [c for c in range(n) if continuing[c]]
        declared = [c for c in alive if c != uwi]
        active = int(sum(int(t[c]) for c in alive))
        if percent is not None and (number == 1 or opts["threshold_round"] == "every"):
            threshold = max(Fraction(active) * percent / 100, Fraction(minimum))
        elif percent is None and number == 1:  # shown only, as RCTab shows it
            threshold = max(Fraction(active // (seats + 1) + 1), Fraction(minimum))
        tallies: dict[str, Number] = {labels[c]: int(t[c]) for c in alive}
        notes = [_opening(number, tallies, exhausted)]
        uwi_votes = uwi in alive and t[uwi] > 0
        if not uwi_votes and declared:
            if percent is None and len(declared) <= seats:
                winners = declared
                notes.append(f"No more candidates remain than the {seats} seat"
                             f"{'s' if seats != 1 else ''}: {names(labels[c] for c in declared)} "
                             f"{'are' if len(declared) > 1 else 'is'} elected.")
            elif percent is not None and all(t[c] > threshold for c in declared):
                winners = declared
                notes.append(f"Every continuing candidate has more than {num(threshold, 4)} "
                             f"votes ({num(percent, 4)}% of {num(active)}): "
                             f"{names(labels[c] for c in declared)} "
                             f"{'are' if len(declared) > 1 else 'is'} elected.")
        gone: list[int] = []
        transfers: dict[str, dict[str, Number]] = {}
        if not winners:
            if not declared:
                break  # nothing left to elect (every candidate eliminated or none declared)
            below = [c for c in declared if t[c] < threshold]
            if (percent is not None and opts["cutoff_elimination"] and not uwi_votes
                    and 0 < len(below) < len(declared)):
                gone = below
                notes.append(f"{names(labels[c] for c in gone)} have fewer than the threshold "
                             f"of {num(threshold, 4)} votes and are eliminated together.")
            else:
                rules = (bool(opts["batch_elimination"]), False, minimum if active else 0,
                         1 if percent is not None else seats)
                gone = _losers(t, alive, uwi, rules, len(alive), ties, number, history, notes)
            mask = np.zeros(n, dtype=bool)
            mask[gone] = True
            continuing[gone] = False
            transfers = _move(cursor, mask, continuing, counts, labels)
            for c in gone:
                notes.append(_transfer_sentence(labels[c], transfers[labels[c]]))
        history.append({c: int(t[c]) for c in alive})
        rounds.append(Round(number, tallies, elected=tuple(labels[c] for c in winners),
                            eliminated=tuple(labels[c] for c in gone), exhausted=exhausted,
                            threshold=threshold, transfers=transfers, notes=tuple(notes)))
        if not winners and stop is not None and number >= stop:
            rounds[-1] = replace(rounds[-1], notes=(
                *rounds[-1].notes, f"Counting stops after round {number}, as the rules say "
                "(stop_after_round), with no one elected."))
            return Outcome("bottoms-up", seats, tuple(labels), (), tuple(rounds),
                           tuple(ties.ties), 4, {"threshold": num(threshold, 4),
                                                 "stopped_after_round": number},
                           (f"No one is elected: counting stopped after round {number}, as "
                            "the rules say (stop_after_round), before the count's end.",))
    elected = tuple(labels[c] for c in winners)
    how = (f"each with more than {num(percent, 4)}% of the continuing votes" if percent
           is not None else f"the last {len(elected)} standing")
    summary = (f"{names(elected) or 'No one'} {'are' if len(elected) > 1 else 'is'} elected "
               f"bottoms-up, {how}, after {len(rounds)} round{'s' if len(rounds) != 1 else ''}"
               f": {listing(rounds[-1].tallies) if rounds else ''}.",)
    return Outcome("bottoms-up", len(elected) if percent is not None else seats,
                   tuple(labels), elected, tuple(rounds), tuple(ties.ties), 4,
                   {"threshold": num(threshold, 4)}, summary)


BOTTOMS_UP = Method(
    name="bottoms-up",
    summary="Bottoms-up: eliminate the last candidate until as many remain as seats (or until "
    "each has a set share of the votes); those left are elected.",
    options=_options(),
    counter=count_bottoms_up,
    multi_winner=True,
    check=_check,
)
