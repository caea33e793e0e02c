"""STV as RCTab counts it ("multi-winner, allow multiple winners per round"): `variant=rctab`.

RCTab's multi-seat tabulation is a Gregory method with its own round structure and arithmetic:

- the threshold is fixed in round 1 from the active ballots A: Droop floor(A / (seats + 1)) + 1
  (whole) or floor(A / (seats + 1)) at `decimals` places + 10^-decimals (fractional); Hare
  ceil(A / seats) (whole) or at `decimals` places rounded up (fractional); it is reached at >=;
- a round either elects or eliminates, never both. Everyone at or above the threshold is
  elected at once (all continuing candidates when they are no more than the seats left); no one
  is elected while undeclared write-ins hold votes (they are eliminated first);
- each winner's surplus fraction is (votes - threshold) / votes truncated to `decimals`
  places; every ballot with the winner goes on at its value x that fraction, truncated. All the
  round's surpluses move together into the next round, where a winner is shown at the threshold
  (the rounding left over is the "residual surplus"), or at their own total if below it;
- a round that elects someone, in a multi-seat count, is followed by one more round showing the
  final surpluses transferred; once every seat is filled those surpluses go to no one (they
  become inactive, as RCTab's "final round surplus"), whoever else is still standing;
- with `one_winner_per_round` (RCTab's multiWinnerAllowOnlyOneWinnerPerRound) a round elects
  only the candidate with the most votes among those it would elect (also when no more remain
  than seats), a tie broken by the tie-break as a choice of winner;
- `minimum_votes` (RCTab 2.0's minimumVoteThreshold): the threshold is never below it, and a
  round that eliminates drops, after undeclared write-ins, every continuing candidate with fewer
  votes together (refused when fewer candidates than seats left would remain: RCTab cannot
  finish such a count);
- `stop_after_round` (stopTabulationEarlyAfterRound): the count ends after that round; those
  elected by then hold their seats, the rest stay unfilled.

The threshold is always fixed at round 1 (RCTab computes a multi-seat threshold once, and
refuses doesFirstRoundDetermineThreshold in a multi-seat contest as having no effect to give).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor
from hustings.counting.explain import listing, names, num
from hustings.counting.irv_rctab import below_minimum
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import TieBreaker, breaker
from hustings.counting.weights import Weights

HOPEFUL, ELECTED, DEFEATED = 0, 2, 3


def rctab_threshold(active: int, seats: int, quota: str, rounding: str, decimals: int) -> Fraction:
    """RCTab's winning threshold for `active` ballots in round 1 (reached at >=)."""
    places = decimals if rounding == "fractional" else 0
    scale = 10**places
    if quota == "hare":
        return Fraction(-((-active * scale) // seats), scale)  # rounded up
    return Fraction(active * scale // (seats + 1) + 1, scale)  # rounded down, plus one unit


def count_stv_rctab(profile: Profile, seats: int, opts: dict[str, Any]) -> Outcome:
    """Count multi-seat STV with RCTab's rounds, thresholds and truncations."""
    from hustings.counting.irv import codes_for

    codes, labels, uwi = codes_for(profile, opts)
    n = len(labels)
    decimals = int(opts["decimals"])
    counts = profile.counts
    cursor = Cursor(codes, n, profile.overvote_sets)
    state = np.full(n, HOPEFUL, dtype=np.int64)
    cursor.start(state == HOPEFUL)
    weights = Weights(codes.shape[0], decimals)
    ties = breaker(labels, opts)
    scale = 10**decimals
    shown: dict[int, Fraction] = {}  # winners' tallies as shown after their surplus moved
    moved_from: dict[int, Fraction] = {}  # winner -> value sent on, for the residual
    votes_at: dict[int, Fraction] = {}  # winner -> votes when elected
    order: list[int] = []
    rounds: list[Round] = []
    history: list[dict[int, Number]] = []
    residual = Fraction(0)
    residuals: list[str] = []
    threshold = Fraction(0)
    minimum = int(opts.get("minimum_votes") or 0)
    stop = opts.get("stop_after_round")
    stopped = False
    number = 0
    while True:
        number += 1
        votes, exhausted = weights.sums(cursor.top, counts, n)
        hopeful = [c for c in range(n) if state[c] == HOPEFUL]
        for c, sent in list(moved_from.items()):  # winners of the previous round
            kept = votes_at[c] - sent
            shown[c] = threshold if kept > threshold else kept
            residual += max(kept - threshold, Fraction(0))
            del moved_from[c]
        if number == 1:
            active = sum(votes[c] for c in hopeful)
            threshold = max(rctab_threshold(int(active), seats, opts["quota"],
                                            opts["quota_rounding"], decimals),
                            Fraction(minimum))
        figures: dict[int, Number] = {
            c: votes[c] if state[c] == HOPEFUL else shown[c]
            for c in range(n) if state[c] != DEFEATED
        }
        tallies: dict[str, Number] = {labels[c]: v for c, v in figures.items()}
        residuals.append(num(residual, decimals))
        notes = [_opening(number, tallies, exhausted, residual, threshold, decimals)]
        left = seats - len(order)
        winners: list[int] = []
        if left > 0 and not (uwi in hopeful and votes[uwi] > 0):
            if len(hopeful) == left:
                winners = [c for c in hopeful if c != uwi]
            else:  # (a threshold of 0, when no ballot is active, is reached by no one)
                winners = [c for c in hopeful
                           if c != uwi and votes[c] >= threshold and votes[c] > 0]
            # no more reach the threshold T than seats are left: each of the k elected keeps
            # at least T (a surplus sends on at most its excess), the hopefuls share at most
            # A - kT of round 1's A active votes, and T > A/(seats + 1) (Droop) or T >= A/seats
            # (Hare), so at most seats - k hold T each
            assert len(winners) <= left
            winners.sort(key=lambda c: -votes[c])
            if opts.get("one_winner_per_round") and len(winners) > 1:
                winners = [_one_winner(winners, votes, ties, number, history, notes, labels,
                                       decimals)]
        transfers: dict[str, dict[str, Number]] = {}
        gone: list[int] = []
        if winners:
            for c in winners:
                state[c] = ELECTED
                order.append(c)
            for c in winners:
                votes_at[c] = votes[c]
                surplus = votes[c] - threshold
                fraction = _truncate(surplus / votes[c], scale) if surplus > 0 else Fraction(0)
                rows = np.flatnonzero(cursor.top == c)
                weights.scale_rows(rows, fraction)
                # once every seat is filled, the last surpluses go to no one (RCTab: "final
                # round surplus", inactive)
                cursor.advance(rows, state == HOPEFUL if len(order) < seats
                               else np.zeros(n, dtype=bool))
                dest, lost = weights.sums(cursor.top, counts, n, rows)
                sent = sum(dest, Fraction(0)) + lost
                moved_from[c] = sent
                to: dict[str, Number] = {labels[d]: dest[d] for d in range(n) if dest[d]}
                if lost:
                    to["exhausted"] = lost
                transfers[labels[c]] = to
                how = ("reaches the threshold" if votes[c] >= threshold else
                       "is one of no more continuing candidates than seats left")
                notes.append(
                    f"{labels[c]} {how} with {num(votes[c], decimals)} and is elected"
                    + (f"; surplus {num(surplus, decimals)}: its ballots go on at "
                       f"{num(fraction, decimals)} of their value (truncated), counted next "
                       f"round: {listing(to, decimals) or 'nothing'}." if surplus > 0 else
                       "; no surplus.")
                )
        elif left > 0:
            # (no vote at all in round 1: no one is elected, as without a minimum)
            floor = minimum if active else 0
            gone = [] if uwi in hopeful and votes[uwi] > 0 else below_minimum(
                votes, hopeful, uwi, floor, left, notes, labels)
            gone = gone or [_loser(votes, (hopeful, left), uwi, ties, number, history, notes,
                                   labels, decimals)]
            state[gone] = DEFEATED
            for c in gone:
                rows = np.flatnonzero(cursor.top == c)
                cursor.advance(rows, state == HOPEFUL)
                dest, lost = weights.sums(cursor.top, counts, n, rows)
                to = {labels[d]: dest[d] for d in range(n) if dest[d]}
                if lost:
                    to["exhausted"] = lost
                transfers[labels[c]] = to
                notes.append(f"{labels[c]}'s ballots move on at their current value: "
                             f"{listing(to, decimals) if to else 'none'}.")
        history.append(figures)
        rounds.append(Round(number, tallies, tuple(labels[c] for c in winners),
                            tuple(labels[c] for c in gone), exhausted, threshold, transfers,
                            tuple(notes)))
        if not (len(order) < seats or (seats > 1 and winners)):
            break
        # every round with seats left elects or eliminates: the declared candidates standing are
        # never fewer than the seats left (seats <= candidates; a round eliminates only while
        # more stand than seats left, write-ins first when it would come to that, and
        # minimum_votes refuses to leave too few), so a count always fills its seats or stops
        assert winners or gone
        if stop is not None and number >= stop:
            stopped = True
            rounds[-1] = replace(rounds[-1], notes=(
                *rounds[-1].notes, f"Counting stops after round {number}, as the rules say "
                f"(stop_after_round), with {len(order)} of {seats} seats filled."))
            break
    winners_named = tuple(labels[c] for c in order)
    summary = (
        f"{names(winners_named)} {'are' if len(order) > 1 else 'is'} elected to {seats} "
        f"seat{'s' if seats > 1 else ''} by STV with RCTab's rules in {len(rounds)} "
        f"round{'s' if len(rounds) != 1 else ''}, with a threshold of "
        f"{num(threshold, decimals)}.",
    )
    if stopped:
        summary = (f"{names(winners_named) or 'No one'} "
                   f"{'are' if len(order) > 1 else 'is'} elected by STV with RCTab's rules: "
                   f"counting stopped after round {number}, as the rules say "
                   f"(stop_after_round), with {len(order)} of {seats} seats filled and a "
                   f"threshold of {num(threshold, decimals)}.",)
    extras: dict[str, Any] = {"quota": num(threshold, decimals), "variant": "rctab",
                              "residual": residuals}
    if stopped:
        extras["stopped_after_round"] = number
    return Outcome("stv", seats, tuple(labels), winners_named, tuple(rounds),
                   tuple(ties.ties), decimals, extras, summary)


def _truncate(value: Fraction, scale: int) -> Fraction:
    """`value` rounded down to a multiple of 1/scale (Java's RoundingMode.DOWN, value >= 0)."""
    return Fraction(value.numerator * scale // value.denominator, scale)


def _opening(
    number: int, tallies: dict[str, Number], exhausted: Fraction, residual: Fraction,
    threshold: Fraction, d: int,
) -> str:
    if number == 1:
        text = f"The threshold is {num(threshold, d)}. First choices: {listing(tallies, d)}."
    else:
        text = f"Votes: {listing(tallies, d)}."
    if exhausted:
        text += f" Inactive: {num(exhausted, d)}."
    if residual:
        text += f" Residual surplus: {num(residual, d)}."
    return text


def _one_winner(
    winners: list[int], votes: list[Fraction], ties: TieBreaker, number: int,
    history: list[dict[int, Number]], notes: list[str], labels: list[str], d: int,
) -> int:
    """one_winner_per_round: the one with the most votes (ties broken for election)."""
    best = max(votes[c] for c in winners)
    top = [c for c in winners if votes[c] == best]
    chosen = top[0]
    if len(top) > 1:
        chosen = ties.pick(top, round=number, purpose="election", lowest=False,
                           history=history)
        notes.append(ties.sentence())
    others = [labels[c] for c in winners if c != chosen]
    notes.append(f"Only one candidate is elected a round: {labels[chosen]} "
                 f"({num(best, d)}); {names(others)} wait for a later round.")
    return chosen


def _loser(
    votes: list[Fraction], standing: tuple[list[int], int], uwi: int, ties: TieBreaker,
    number: int, history: list[dict[int, Number]], notes: list[str], labels: list[str], d: int,
) -> int:
    hopeful, left = standing
    if uwi in hopeful and votes[uwi] > 0:
        notes.append(f"Undeclared write-ins ({num(votes[uwi], d)}) are eliminated first.")
        return uwi
    if uwi in hopeful and len(hopeful) - 1 <= left:
        # UWI cannot be elected: eliminating a declared candidate instead (a lot between
        # them at 0 votes) would leave too few to fill the seats
        notes.append("Undeclared write-ins cannot be elected, and the declared candidates left "
                     "are no more than the seats to fill, so write-ins are eliminated.")
        return uwi
    low = min(votes[c] for c in hopeful)
    lowest = [c for c in hopeful if votes[c] == low]
    loser = lowest[0]
    if len(lowest) > 1:
        loser = ties.pick(lowest, round=number, purpose="elimination", history=history)
        notes.append(ties.sentence())
    notes.append(f"No one reaches the threshold, so {labels[loser]}, with the fewest votes "
                 f"({num(low, d)}), is eliminated.")
    return loser
