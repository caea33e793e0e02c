"""Instant runoff with RCTab's round structure (`irv` option `round_structure=rctab`).

RCTab's single-winner tabulation (its `Tabulator`) differs from the standard structure in three
ways, all visible in its round-by-round report:

- a round that declares a winner eliminates no one; with `continue_until_two` the winner is
  declared in the first round where they reach the threshold (floor(active / 2) + 1), keeps their
  ballots, and the following rounds eliminate until two candidates remain, then one last round
  shows the final two;
- when two candidates remain and neither reaches the threshold (a tie), the winner is chosen
  directly by the tie-break (choosing a winner, not a loser), in that round;
- undeclared write-ins ("UWI") are dropped first only while they hold votes; while they do, no
  one is declared elected.

Two RCTab options apply here only: `threshold_round=first` keeps round 1's threshold for the
whole count (then two candidates may remain with neither reaching it: the leader wins, a tie
broken by the tie-break), and `stop_after_round` ends the count after that round, electing no
one unless someone already was. Batch elimination compares tallies group by group (equal tallies
together) and, with `continue_until_two`, never leaves a single candidate.

`minimum_votes` (RCTab 2.0's minimumVoteThreshold) raises the threshold to at least that many
votes, and a round that eliminates drops, after undeclared write-ins and before batch or single
elimination, every continuing candidate with fewer votes, together (no tie-break: all go). Since
a continuing candidate's votes never fall, this happens once, in the first round that
eliminates. The last two decide by the leader only when both have the minimum. If every
candidate is below it, RCTab aborts the count; so does this (InvalidInput naming the option).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor, tally
from hustings.counting.explain import names, num, share
from hustings.counting.irv import eliminate_lowest
from hustings.counting.options import fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import TieBreaker, breaker


def count_irv_rctab(profile: Profile, opts: dict[str, Any]) -> Outcome:
    """Count a single-winner instant runoff as RCTab structures its rounds."""
    from hustings.counting.irv import _move, _opening, _transfer_sentence, codes_for

    codes, labels, uwi = codes_for(profile, opts)
    n = len(labels)
    counts = profile.counts
    ties = breaker(labels, opts)
    cursor = Cursor(codes, n, profile.overvote_sets,
                    suspend=opts["overvote_rule"] == "suspend-if-multiple")
    continuing = np.ones(n, dtype=bool)
    cursor.start(continuing)
    until_two = bool(opts["continue_until_two"])
    rounds: list[Round] = []
    history: list[dict[int, Number]] = []
    eliminated: list[int] = []
    winner = -1
    number = 0
    fixed = opts.get("threshold_round") == "first"
    stop = opts.get("stop_after_round")
    need = 0
    minimum = int(opts.get("minimum_votes") or 0)
    while True:
        number += 1
        t, exhausted = tally(cursor.top, counts, n)
        alive = [c for c in range(n) if continuing[c]]
        active = int(sum(int(t[c]) for c in alive))
        if not fixed or number == 1:
            need = max(active // 2 + 1, minimum)
        tallies: dict[str, Number] = {labels[c]: int(t[c]) for c in alive}
        notes = [_opening(number, tallies, exhausted)]
        elected: tuple[str, ...] = ()
        gone: list[int] = []
        transfers: dict[str, dict[str, Number]] = {}
        if winner < 0:
            found = _find_winner(t, alive, uwi, (need, minimum), ties, number, history,
                                 notes)
            if found >= 0:
                winner = found
                elected = (labels[winner],)
                notes.append(
                    f"{labels[winner]} has {num(int(t[winner]))} of {num(active)} continuing "
                    f"votes ({share(int(t[winner]), active)}) and is elected."
                    + (" Counting continues until two candidates remain." if until_two
                       and len(alive) > 2 else "")
                )
        if not elected and (winner < 0 or (until_two and len(eliminated) < n - 2)):
            if winner < 0:
                notes.append(f"No candidate has {num(need)} of the {num(active)} continuing "
                             "votes.")
            batch = bool(opts["batch_elimination"])
            # (no vote at all in round 1: no one is elected, as without a minimum)
            floor = minimum if active else 0
            gone = _losers(t, alive, uwi, (batch, until_two, floor, 1), n - len(eliminated),
                           ties, number, history, notes)
            mask = np.zeros(n, dtype=bool)
            mask[gone] = True
            continuing[gone] = False
            eliminated.extend(gone)
            transfers = _move(cursor, mask, continuing, counts, labels)
            for c in gone:
                notes.append(_transfer_sentence(labels[c], transfers[labels[c]]))
        history.append({c: int(t[c]) for c in alive})
        rounds.append(Round(number, tallies, elected=elected,
                            eliminated=tuple(labels[c] for c in gone), exhausted=exhausted,
                            threshold=need, transfers=transfers, notes=tuple(notes)))
        if until_two:
            more = len(eliminated) + (winner >= 0) + 1 < n or bool(gone)
        else:
            more = winner < 0
        if stop is not None and number >= stop and more:
            rounds[-1] = _stopped(rounds[-1], number, winner >= 0)
            break
        if not more:
            break
    if winner < 0:
        return Outcome("irv", 1, tuple(labels), (), tuple(rounds), tuple(ties.ties), 0,
                       {"round_structure": "rctab", "stopped_after_round": number},
                       (f"No one is elected: counting stopped after round {number}, as the "
                        "rules say (stop_after_round), before anyone reached the threshold.",))
    last = rounds[-1]
    summary = (
        f"{labels[winner]} wins by instant runoff (RCTab's round structure) after "
        f"{len(rounds)} round{'s' if len(rounds) != 1 else ''}, with "
        f"{num(last.tallies[labels[winner]])} of {num(sum(last.tallies.values()))} continuing "
        "votes in the last round.",
    )
    return Outcome("irv", 1, tuple(labels), (labels[winner],), tuple(rounds),
                   tuple(ties.ties), 0, {"round_structure": "rctab"}, summary)


def _stopped(last: Round, number: int, elected: bool) -> Round:
    """The last round, with a note that the rules stop the count here."""
    note = (f"Counting stops after round {number}, as the rules say (stop_after_round)"
            + ("." if elected else ", with no one elected."))
    return replace(last, notes=(*last.notes, note))


def _find_winner(
    t: np.ndarray, alive: list[int], uwi: int, needs: tuple[int, int], ties: TieBreaker,
    number: int, history: list[dict[int, Number]], notes: list[str],
) -> int:
    need, minimum = needs
    if uwi in alive and t[uwi] > 0:
        return -1  # no one is elected while undeclared write-ins hold votes
    if len(alive) == 1:
        return alive[0]
    reach = [c for c in alive if c != uwi and t[c] >= need]
    if reach:
        return max(reach, key=lambda c: int(t[c]))
    if len(alive) == 2 and all(t[c] >= minimum for c in alive):
        best = max(int(t[c]) for c in alive)
        top = [c for c in alive if t[c] == best and c != uwi]
        if len(top) == 1:
            return top[0]
        chosen = ties.pick(top, round=number, purpose="election", lowest=False, history=history)
        notes.append(ties.sentence())
        return chosen
    return -1


def _losers(
    t: np.ndarray, alive: list[int], uwi: int, rules: tuple[bool, bool, int, int],
    remaining: int, ties: TieBreaker, number: int, history: list[dict[int, Number]],
    notes: list[str],
) -> list[int]:
    """Who a round eliminates: write-ins holding votes; else everyone under `minimum`
    (refused if fewer than `seats` would be left); else a batch; else the lowest."""
    batch, until_two, minimum, seats = rules
    if uwi in alive and t[uwi] > 0:
        notes.append(f"Undeclared write-ins ({num(int(t[uwi]))}) are eliminated first.")
        return [uwi]
    if below := below_minimum(t, alive, uwi, minimum, seats, notes, ties.names):
        return below
    if batch and (group := _batch(t, alive, until_two, remaining, ties.names, notes)):
        return group
    return eliminate_lowest(t, alive, ties, number, history, notes)


def below_minimum(
    votes: Any, hopeful: list[int], uwi: int, minimum: int, seats_left: int, notes: list[str],
    labels: list[str],
) -> list[int]:
    """RCTab's minimumVoteThreshold: every continuing candidate under `minimum`, eliminated
    together; refused (RCTab aborts such a count) when fewer declared candidates than seats
    left would remain."""
    below = [c for c in hopeful if votes[c] < minimum]
    if not below:
        return []
    kept = [c for c in hopeful if c not in below and c != uwi]
    if len(kept) < seats_left:
        who = (f"only {names(labels[c] for c in kept)} of the candidates "
               f"{'reaches' if len(kept) == 1 else 'reach'} it, for {seats_left} seats"
               if kept else "no candidate reaches it")
        raise fail("minimum_votes", f"minimum_votes is {num(minimum)} and {who}: the count "
                   "cannot go on (RCTab aborts it too), so no one is elected by it")
    plural = len(below) > 1
    notes.append(f"{names(labels[c] for c in below)} {'have' if plural else 'has'} fewer than "
                 f"the minimum of {num(minimum)} votes, so {'are' if plural else 'is'} "
                 f"eliminated{' together' if plural else ''}.")
    return below


def _batch(
    t: np.ndarray, alive: list[int], until_two: bool, remaining: int, labels: list[str],
    notes: list[str],
) -> list[int]:
    """RCTab's batch elimination: by tally groups, lowest first; all seen so far go once their
    running total is below the next group's tally."""
    groups: dict[int, list[int]] = {}
    for c in alive:
        groups.setdefault(int(t[c]), []).append(c)
    running = 0
    seen: list[int] = []
    out: list[int] = []
    previous: list[int] = []
    for value in sorted(groups):
        grown = list(out)
        if running < value:
            grown.extend(c for c in seen if c not in out)
        running += value * len(groups[value])
        seen.extend(groups[value])
        if len(grown) > len(out):
            previous, out = out, grown
    if until_two and len(out) == remaining - 1:
        out = previous
    if len(out) < 2:
        return []
    notes.append(f"{names(labels[c] for c in out)} together have fewer votes than the next "
                 "candidate, so cannot win, and are eliminated together.")
    return out
