"""The Condorcet family over the pairwise matrix: Schulze, ranked pairs, Copeland, minimax."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.explain import listing
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.pairwise import as_dict, condorcet_winner, matrix
from hustings.counting.profile import Profile
from hustings.counting.ties import TieBreaker, breaker, check_tiebreak, tiebreak_options

STRENGTH = OptionSpec(
    "strength", "choice", "winning-votes", ("winning-votes", "margins"),
    "how strong a pairwise win is: the winner's votes, or the margin",
)


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)


def _strength(d: np.ndarray, how: str) -> np.ndarray:
    """Strength of each pairwise win (0 where not a win)."""
    wins = d > d.T
    value = d if how == "winning-votes" else d - d.T
    return np.where(wins, value, 0)


def schulze_scores(d: np.ndarray, how: str) -> tuple[list[int], np.ndarray]:
    """Candidates unbeaten by strongest paths, and the path strengths."""
    n = d.shape[0]
    p = _strength(d, how).astype(object)
    for i in range(n):
        for j in range(n):
            if i != j:
                for k in range(n):
                    if k not in (i, j):
                        p[j, k] = max(p[j, k], min(p[j, i], p[i, k]))
    best = [a for a in range(n) if all(p[a, b] >= p[b, a] for b in range(n) if b != a)]
    return best, p


def ranked_pairs(d: np.ndarray, how: str, ties: TieBreaker) -> tuple[list[int], list[str]]:
    """Lock wins strongest first unless they close a cycle; the unbeaten in the locked graph."""
    n = d.shape[0]
    s = _strength(d, how)
    pairs = [(int(s[a, b]), a, b) for a in range(n) for b in range(n) if s[a, b] > 0]
    locked = np.zeros((n, n), dtype=bool)
    notes: list[str] = []
    rank: list[int] | None = None
    for strength in sorted({p[0] for p in pairs}, reverse=True):
        group = [(a, b) for v, a, b in pairs if v == strength]
        trial = locked.copy()
        for a, b in group:
            trial[a, b] = True
        if len(group) > 1 and _has_cycle(trial):
            if rank is None:
                rank = _tie_ranking(n, ties)
            order = rank
            group.sort(key=lambda ab: (order[ab[0]], -order[ab[1]]))
            notes.append("Pairs of equal strength conflict; they are locked in a tie-breaking "
                         f"order of candidates ({ties.ties[-1].broken_by}).")
        for a, b in group:
            locked[a, b] = True
            if _has_cycle(locked):
                locked[a, b] = False
    winners = [a for a in range(n) if not locked[:, a].any()]
    return winners, notes


def _tie_ranking(n: int, ties: TieBreaker) -> list[int]:
    """A full tie-breaking order of the candidates (position per candidate), recorded."""
    order: list[int] = []
    pool = list(range(n))
    while len(pool) > 1:
        c = ties.pick(pool, round=1, purpose="tie-breaking ranking", lowest=False)
        order.append(c)
        pool.remove(c)
    order.extend(pool)
    rank = [0] * n
    for i, c in enumerate(order):
        rank[c] = i
    return rank


def _has_cycle(g: np.ndarray) -> bool:
    reach = g.copy()
    n = g.shape[0]
    for k in range(n):
        reach |= reach[:, k : k + 1] & reach[k : k + 1, :]
    return bool(np.any(np.diag(reach)))


def copeland_scores(d: np.ndarray, tie_score: Fraction) -> list[Fraction]:
    n = d.shape[0]
    return [
        sum((Fraction(1) if d[a, b] > d[b, a] else tie_score if d[a, b] == d[b, a]
             else Fraction(0) for b in range(n) if b != a), Fraction(0))
        for a in range(n)
    ]


def minimax_scores(d: np.ndarray, how: str) -> list[int]:
    """Each candidate's worst defeat (smaller is better)."""
    n = d.shape[0]
    out = []
    for a in range(n):
        worst = 0
        for b in range(n):
            if b == a:
                continue
            if how == "pairwise-opposition":
                worst = max(worst, int(d[b, a]))
            elif d[b, a] > d[a, b]:
                worst = max(worst, int(d[b, a] if how == "winning-votes" else d[b, a] - d[a, b]))
        out.append(worst)
    return out


def _outcome(
    name: str, profile: Profile, d: np.ndarray, winners: list[int], ties: TieBreaker,
    tallies: dict[str, Number], notes: list[str], extras: dict[str, Any],
) -> Outcome:
    labels = list(profile.candidates)
    win = winners[0]
    if len(winners) > 1:
        win = ties.pick(winners, round=1, purpose="election", lowest=False)
        notes.append(ties.sentence())
    cw = condorcet_winner(d)
    if cw is not None:
        notes.insert(0, f"{labels[cw]} beats every other candidate head to head.")
    else:
        notes.insert(0, "No candidate beats every other head to head.")
    notes.append(f"{labels[win]} is elected.")
    extras = {"pairwise": as_dict(d, labels), **extras}
    return Outcome(name, 1, tuple(labels), (labels[win],),
                   (Round(1, tallies, elected=(labels[win],), notes=tuple(notes)),),
                   tuple(ties.ties), 4, extras, (f"{labels[win]} wins by {name}.",))


def _prepared(method: Method, profile: Profile, seats: int, options: dict[str, Any] | None):
    opts = method.validate(options, seats, profile.candidates)
    if not profile.candidates:
        raise fail("candidates", "the profile has no candidates")
    return opts, matrix(profile), breaker(list(profile.candidates), opts)


def count_schulze(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                  ) -> Outcome:
    opts, d, ties = _prepared(SCHULZE, profile, seats, options)
    best, p = schulze_scores(d, opts["strength"])
    labels = list(profile.candidates)
    wins = {labels[a]: sum(1 for b in range(len(labels)) if b != a and p[a, b] > p[b, a])
            for a in range(len(labels))}
    notes = [f"Strongest-path wins per candidate: {listing(wins)}."]
    paths = {labels[a]: {labels[b]: int(p[a, b]) for b in range(len(labels)) if b != a}
             for a in range(len(labels))}
    return _outcome("schulze", profile, d, best, ties, dict(wins), notes, {"paths": paths})


def count_ranked_pairs(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                       ) -> Outcome:
    opts, d, ties = _prepared(RANKED_PAIRS, profile, seats, options)
    n = d.shape[0]
    winners, notes = ranked_pairs(d, opts["strength"], ties)
    labels = list(profile.candidates)
    wins = {labels[a]: int(sum(1 for b in range(n) if d[a, b] > d[b, a])) for a in range(n)}
    notes.insert(0, f"Head-to-head wins per candidate: {listing(wins)}.")
    return _outcome("ranked-pairs", profile, d, winners, ties, dict(wins), notes, {})


def count_copeland(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                   ) -> Outcome:
    opts, d, ties = _prepared(COPELAND, profile, seats, options)
    scores = copeland_scores(d, opts["tie_score"])
    labels = list(profile.candidates)
    top = max(scores)
    best = [a for a in range(len(labels)) if scores[a] == top]
    tallies: dict[str, Number] = {labels[a]: scores[a] for a in range(len(labels))}
    notes = [f"Copeland scores (a win 1, a tie {opts['tie_score']}): {listing(tallies)}."]
    return _outcome("copeland", profile, d, best, ties, tallies, notes, {})


def count_minimax(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                  ) -> Outcome:
    opts, d, ties = _prepared(MINIMAX, profile, seats, options)
    scores = minimax_scores(d, opts["measure"])
    labels = list(profile.candidates)
    low = min(scores)
    best = [a for a in range(len(labels)) if scores[a] == low]
    tallies: dict[str, Number] = {labels[a]: scores[a] for a in range(len(labels))}
    notes = [f"Worst head-to-head defeat ({opts['measure']}): {listing(tallies)}; the smallest "
             "wins."]
    return _outcome("minimax", profile, d, best, ties, tallies, notes, {})


def _method(name: str, summary: str, options: list[OptionSpec],
            counter: Callable[..., Outcome]) -> Method:
    return Method(name, summary, [*options, *tiebreak_options("random")], counter, check=_check)


SCHULZE = _method("schulze", "Schulze: the candidate unbeaten by strongest beatpaths.",
                  [STRENGTH], count_schulze)
RANKED_PAIRS = _method("ranked-pairs", "Ranked pairs (Tideman): lock the strongest wins "
                       "that make no cycle.", [STRENGTH], count_ranked_pairs)
COPELAND = _method("copeland", "Copeland: most head-to-head wins.",
                   [OptionSpec("tie_score", "fraction", Fraction(1, 2), (),
                               "points for a head-to-head tie")], count_copeland)
MINIMAX = _method("minimax", "Minimax: the smallest worst head-to-head defeat.",
                  [OptionSpec("measure", "choice", "winning-votes",
                              ("winning-votes", "margins", "pairwise-opposition"),
                              "how a defeat is measured")], count_minimax)
