"""Deliberately simple IRV and WIGM STV: plain per-ballot loops over Fractions. Tests only.

Ballot rules are the engine's defaults: blanks skipped, an overvote exhausts the ballot,
a repeated candidate is skipped. Ties are broken by a given order of candidates: the
last-listed tied candidate is eliminated; the first-listed tied surplus is transferred first.
"""

from __future__ import annotations

from fractions import Fraction

from hustings.counting.profile import EMPTY, OVERVOTE


def _next(ballot: tuple[int, ...], start: int, continuing: set[int]) -> tuple[int, int]:
    """(index, candidate) of the first continuing choice at or after `start`; (-1, -1) if none."""
    seen: set[int] = set(ballot[:start])
    for i in range(start, len(ballot)):
        c = ballot[i]
        if c == OVERVOTE or c <= -3:
            return -1, -1
        if c == EMPTY:
            continue
        if c in seen:
            continue
        seen.add(c)
        if c in continuing:
            return i, c
    return -1, -1


def irv(
    n: int, ballots: list[tuple[int, ...]]
) -> tuple[int, list[dict[int, int]]]:
    """Winner and each round's tallies (continuing candidates only)."""
    continuing = set(range(n))
    rounds: list[dict[int, int]] = []
    while True:
        tallies = {c: 0 for c in continuing}
        for b in ballots:
            _, c = _next(b, 0, continuing)
            if c >= 0:
                tallies[c] += 1
        rounds.append(tallies)
        active = sum(tallies.values())
        best = max(tallies.values())
        if len(continuing) == 1 or best * 2 > active:
            return max(sorted(continuing), key=lambda c: tallies[c]), rounds
        low = min(tallies.values())
        loser = max(c for c in continuing if tallies[c] == low)
        continuing.remove(loser)


def wigm(
    n: int, ballots: list[tuple[int, ...]], seats: int, decimals: int | None = None
) -> tuple[list[int], list[dict[int, Fraction]]]:
    """Elected (in order) and each stage's votes of non-excluded candidates."""
    hopeful = set(range(n))
    pending: list[int] = []
    done: set[int] = set()
    weight = [Fraction(1)] * len(ballots)
    where = [_next(b, 0, hopeful) for b in ballots]
    valid = sum(1 for w in where if w[1] >= 0)
    quota = Fraction(valid // (seats + 1) + 1)
    elected: list[int] = []
    stages: list[dict[int, Fraction]] = []

    def votes() -> dict[int, Fraction]:
        v = {c: Fraction(0) for c in hopeful | set(pending)}
        for (_, c), w in zip(where, weight, strict=True):
            if c in v:
                v[c] += w
        v.update({c: quota for c in done})
        return v

    def cut(x: Fraction) -> Fraction:
        if decimals is None:
            return x
        s = 10**decimals
        return Fraction(x.numerator * s // x.denominator, s)

    while True:
        v = votes()
        stages.append(v)
        for c in sorted(hopeful, key=lambda c: (-v[c], c)):
            if v[c] >= quota and len(elected) < seats:
                hopeful.discard(c)
                pending.append(c)
                elected.append(c)
        left = seats - len(elected)
        if left <= 0 or len(hopeful) <= left:
            if left > 0:
                elected.extend(sorted(hopeful, key=lambda c: (-v[c], c)))
            return elected, stages
        if pending:
            high = max(v[c] for c in pending)
            x = min(c for c in pending if v[c] == high)
            pending.remove(x)
            done.add(x)
            factor = (v[x] - quota) / v[x]
            for i, (pos, c) in enumerate(where):
                if c == x:
                    weight[i] = cut(weight[i] * factor)
                    where[i] = _next(ballots[i], pos + 1, hopeful)
        else:
            low = min(v[c] for c in hopeful)
            y = max(c for c in hopeful if v[c] == low)
            hopeful.discard(y)
            for i, (pos, c) in enumerate(where):
                if c == y:
                    where[i] = _next(ballots[i], pos + 1, hopeful)
