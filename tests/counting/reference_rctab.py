"""Deliberately simple RCTab-style counts, one ballot at a time, over Fractions. Tests only.

Written from RCTab's rules (its Tabulator), not from the engine: single-winner rounds with a
threshold per round or fixed at round 1, stopping early and a minimum vote threshold; multi-seat
rounds electing every winner of a round or one winner a round (with stopping early and a minimum
vote threshold); bottoms-up until N remain or above a percentage (with cutoff elimination);
sequential passes. Ballot rules are the defaults of `reference._next` (blanks skipped, an
overvote exhausts, a repeat is skipped). Ties go by an order of candidates: the last-listed
tied candidate is eliminated, the first-listed tied candidate is elected.
"""

from __future__ import annotations

from fractions import Fraction

from tests.counting.reference import _next


class Refused(Exception):
    """RCTab cannot finish the count (every candidate under the minimum vote threshold)."""


def _tally(ballots: list[tuple[int, ...]], alive: set[int]) -> dict[int, int]:
    tallies = {c: 0 for c in alive}
    for b in ballots:
        _, c = _next(b, 0, alive)
        if c >= 0:
            tallies[c] += 1
    return tallies


def _last(among: list[int], order: list[int]) -> int:
    return max(among, key=order.index)


def _first(among: list[int], order: list[int]) -> int:
    return min(among, key=order.index)


def irv_rctab(
    n: int, ballots: list[tuple[int, ...]], order: list[int], first_threshold: bool = False,
    stop_after: int | None = None, minimum: int = 0,
) -> tuple[int | None, list[dict[int, int]], list[int]]:
    """Winner (None if stopped first), each round's tallies and each round's threshold.
    Raises Refused when every candidate is under `minimum`."""
    alive = set(range(n))
    rounds: list[dict[int, int]] = []
    needs: list[int] = []
    need = 0
    while True:
        tallies = _tally(ballots, alive)
        rounds.append(tallies)
        active = sum(tallies.values())
        if not first_threshold or len(rounds) == 1:
            need = max(active // 2 + 1, minimum)
        needs.append(need)
        winner = None
        if len(alive) == 1:
            winner = next(iter(alive))
        elif any(v >= need for v in tallies.values()):
            winner = max(alive, key=lambda c: tallies[c])
        elif len(alive) == 2 and all(v >= minimum for v in tallies.values()):
            best = max(tallies.values())
            winner = _first([c for c in alive if tallies[c] == best], order)
        if winner is not None:
            return winner, rounds, needs
        below = {c for c in alive if tallies[c] < minimum}
        if below == alive:
            raise Refused
        if below:
            alive -= below
        else:
            low = min(tallies.values())
            alive.remove(_last([c for c in alive if tallies[c] == low], order))
        if stop_after is not None and len(rounds) >= stop_after:
            return None, rounds, needs


def _cut(x: Fraction, places: int = 4) -> Fraction:
    scale = 10**places
    return Fraction(x.numerator * scale // x.denominator, scale)


def stv_rctab_one_per_round(
    n: int, ballots: list[tuple[int, ...]], seats: int, order: list[int]
) -> tuple[list[int], list[dict[int, Fraction]]]:
    """RCTab's multi-seat count electing one winner a round."""
    elected, rounds, _ = stv_rctab(n, ballots, seats, order, one_per_round=True)
    return elected, rounds


def stv_rctab(
    n: int, ballots: list[tuple[int, ...]], seats: int, order: list[int],
    one_per_round: bool = False, minimum: int = 0, stop_after: int | None = None,
) -> tuple[list[int], list[dict[int, Fraction]], bool]:
    """RCTab's multi-seat count (whole Droop threshold, 4 places): the elected in order, each
    round's votes of the candidates still hopeful, and whether it stopped early. Raises
    Refused when the minimum vote threshold would leave fewer candidates than seats to fill."""
    hopeful = set(range(n))
    weight = [Fraction(1)] * len(ballots)
    holder = [_next(b, 0, hopeful) for b in ballots]  # (position, candidate)
    active = sum(1 for h in holder if h[1] >= 0)
    threshold = Fraction(max(active // (seats + 1) + 1, minimum))
    elected: list[int] = []
    rounds: list[dict[int, Fraction]] = []
    while True:
        votes = {c: Fraction(0) for c in hopeful}
        for (_, c), w in zip(holder, weight, strict=True):
            if c in votes:
                votes[c] += w
        rounds.append(votes)
        left = seats - len(elected)
        reach: list[int] = []
        if left > 0:
            reach = (list(hopeful) if len(hopeful) == left
                     else [c for c in hopeful if votes[c] >= threshold])
        if reach and one_per_round:
            best = max(votes[c] for c in reach)
            reach = [_first([c for c in reach if votes[c] == best], order)]
        reach.sort(key=lambda c: (-votes[c], c))
        assert len(reach) <= left
        elected.extend(reach)
        hopeful -= set(reach)
        for winner in reach:
            surplus = votes[winner] - threshold
            fraction = _cut(surplus / votes[winner]) if surplus > 0 else Fraction(0)
            targets = hopeful if len(elected) < seats else set()
            for i, (at, c) in enumerate(holder):
                if c == winner:
                    weight[i] = _cut(weight[i] * fraction)
                    holder[i] = _next(ballots[i], at + 1, targets)
        losers: set[int] = set()
        if not reach and left > 0 and hopeful:
            losers = {c for c in hopeful if votes[c] < minimum}
            if losers and len(hopeful) - len(losers) < left:
                raise Refused
            if not losers:
                low = min(votes.values())
                losers = {_last([c for c in hopeful if votes[c] == low], order)}
            hopeful -= losers
            for i, (at, c) in enumerate(holder):
                if c in losers:
                    holder[i] = _next(ballots[i], at + 1, hopeful)
        if not (len(elected) < seats or (seats > 1 and reach)):
            return elected, rounds, False
        if not reach and not losers:
            return elected, rounds, False
        if stop_after is not None and len(rounds) >= stop_after:
            return elected, rounds, True


def bottoms_up(
    n: int, ballots: list[tuple[int, ...]], seats: int, order: list[int],
    percent: Fraction | None = None, first_threshold: bool = False, cutoff: bool = False,
    minimum: int = 0, stop_after: int | None = None,
) -> tuple[list[int], list[dict[int, int]]]:
    """Those elected (sorted) and each round's tallies. Raises Refused when the minimum vote
    threshold would leave fewer candidates than seats (one, with a percentage)."""
    alive = set(range(n))
    rounds: list[dict[int, int]] = []
    threshold = Fraction(0)
    while alive:
        if stop_after is not None and len(rounds) >= stop_after:
            return [], rounds
        tallies = _tally(ballots, alive)
        rounds.append(tallies)
        active = sum(tallies.values())
        if percent is not None and (len(rounds) == 1 or not first_threshold):
            threshold = max(active * percent / 100, Fraction(minimum))
        if percent is None and len(alive) <= seats:
            return sorted(alive), rounds
        if percent is not None and all(v > threshold for v in tallies.values()):
            return sorted(alive), rounds
        under = {c for c in alive if tallies[c] < minimum} if active else set()
        if under:
            if len(alive) - len(under) < (1 if percent is not None else seats):
                raise Refused
            alive -= under
            continue
        below = [c for c in alive if tallies[c] < threshold]
        if percent is not None and cutoff and 0 < len(below) < len(alive):
            alive -= set(below)
            continue
        low = min(tallies.values())
        alive.remove(_last([c for c in alive if tallies[c] == low], order))
    return [], rounds


def sequential(
    n: int, ballots: list[tuple[int, ...]], seats: int, order: list[int]
) -> list[int]:
    """The winner of each pass: a reference RCTab IRV on the ballots with the earlier
    winners struck out (candidates renumbered for each pass)."""
    winners: list[int] = []
    for _ in range(seats):
        keep = [c for c in range(n) if c not in winners]
        index = {c: i for i, c in enumerate(keep)}
        struck = [tuple(index[c] if c in index else (-1 if c >= 0 else c) for c in b)
                  for b in ballots]
        # a struck candidate becomes a blank, which is passed over like them
        if not any(_next(b, 0, set(range(len(keep))))[1] >= 0 for b in struck):
            break
        winner, _, _ = irv_rctab(len(keep), struck, [index[c] for c in order if c in index])
        assert winner is not None
        winners.append(keep[winner])
    return winners
