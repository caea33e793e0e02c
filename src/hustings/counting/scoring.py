"""Score methods: approval, Borda count, and confirmation (yes/no on one candidate)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.explain import listing, names, num, share
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, check_names, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.positions import positions
from hustings.counting.profile import Profile
from hustings.counting.single import top_n
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options
from hustings.counting.two_round import passes


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)


def _winners(profile: Profile, seats: int, scores: list[Number], opts: dict[str, Any]
             ) -> tuple[tuple[str, ...], list[str], Any]:
    ties = breaker(list(profile.candidates), opts)
    won, notes = top_n(scores, seats, ties)
    return tuple(profile.candidates[c] for c in won), notes, ties


def count_approval(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                   ) -> Outcome:
    """Each candidate marked on a ballot gets one approval; the most approved win."""
    opts = APPROVAL.validate(options, seats, profile.candidates)
    pos, length = positions(profile)
    n = len(profile.candidates)
    marked = (pos < n).astype(np.int64)
    scores: list[Number] = [int(v) for v in profile.counts @ marked]
    tallies = dict(zip(profile.candidates, scores, strict=True))
    blank = int(profile.counts[length == 0].sum())
    winners, notes, ties = _winners(profile, seats, scores, opts)
    notes = [f"Approvals: {listing(tallies)}.", *notes,
             f"{names(winners)} {'has' if seats == 1 else 'have'} the most approvals."]
    return Outcome("approval", seats, profile.candidates, winners,
                   (Round(1, tallies, elected=winners, exhausted=blank, notes=tuple(notes)),),
                   tuple(ties.ties), 0, summary=(f"{names(winners)} elected by approval.",))


def count_borda(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                ) -> Outcome:
    """Borda count: points by rank; unranked candidates get 0 or share the rest (averaged)."""
    opts = BORDA.validate(options, seats, profile.candidates)
    pos, length = positions(profile)
    n = len(profile.candidates)
    top_points = n - 1 if opts["points"] == "n-1" else n
    counts = profile.counts
    scores: list[Fraction] = []
    for c in range(n):
        ranked = pos[:, c] < n
        pts = int(counts[ranked] @ (top_points - pos[ranked, c]))
        score = Fraction(pts)
        if opts["truncated"] == "averaged":
            # a ballot not ranking c ranks at most n - 1 others (a repeat keeps its first
            # rank), so k < n: ranks k..n-1 are left to share
            for k in np.unique(length[~ranked]):
                k = int(k)
                left = sum(top_points - p for p in range(k, n))  # points of ranks k..n-1
                ballots = int(counts[~ranked & (length == k)].sum())
                score += Fraction(left * ballots, n - k)
        scores.append(score)
    tallies: dict[str, Number] = dict(zip(profile.candidates, scores, strict=True))
    winners, notes, ties = _winners(profile, seats, list(scores), opts)
    notes = [f"Borda points (first {top_points}, then one fewer per rank; unranked "
             f"{'0' if opts['truncated'] == 'zero' else 'share the points left'}): "
             f"{listing(tallies)}.", *notes, f"{names(winners)} elected."]
    return Outcome("borda", seats, profile.candidates, winners,
                   (Round(1, tallies, elected=winners, notes=tuple(notes)),),
                   tuple(ties.ties), 4, summary=(f"{names(winners)} elected by Borda count.",))


def _check_confirm(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    if options["candidate"] is not None:
        check_names("candidate", (options["candidate"],), candidates)
    elif len(candidates) != 1:
        raise fail("candidate", "confirm needs `candidate` when the profile has several")


def count_confirm(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
                  ) -> Outcome:
    """Yes/no on one candidate: a ballot marking the candidate is a yes, any other a no."""
    opts = CONFIRM.validate(options, seats, profile.candidates)
    name = opts["candidate"] or profile.candidates[0]
    c = profile.candidates.index(name)
    pos, _ = positions(profile)
    yes = int(profile.counts[pos[:, c] < len(profile.candidates)].sum())
    no = profile.total - yes
    ok = passes(yes, profile.total, opts["threshold"], opts["comparison"])
    word = "at least" if opts["comparison"] == "at-least" else "more than"
    sentence = (f"{name} has {num(yes)} yes of {num(profile.total)} ballots "
                f"({share(yes, profile.total)}); {word} {num(opts['threshold'])}% is needed, so "
                f"{name} {'is' if ok else 'is not'} confirmed.")
    tallies: dict[str, Number] = {"yes": yes, "no": no}
    winners = (name,) if ok else ()
    return Outcome("confirm", 1, profile.candidates, winners,
                   (Round(1, tallies, elected=winners,
                          threshold=opts["threshold"] * profile.total / 100,
                          notes=(sentence,)),), (), 2, summary=(sentence,))


APPROVAL = Method("approval", "Approval: every marked candidate gets one vote; most wins.",
                  tiebreak_options("random"), count_approval, multi_winner=True, check=_check)
BORDA = Method(
    "borda", "Borda count: points by rank position; most points wins.",
    [OptionSpec("points", "choice", "n-1", ("n-1", "n"),
                "first place gets n-1 (last 0) or n (last 1) points"),
     OptionSpec("truncated", "choice", "zero", ("zero", "averaged"),
                "unranked candidates get 0, or share equally the points of the unused ranks"),
     *tiebreak_options("random")],
    count_borda, multi_winner=True, check=_check,
)
CONFIRM = Method(
    "confirm", "Confirmation: yes/no on one candidate against a threshold.",
    [OptionSpec("candidate", "str", None, (), "the candidate (needed if several)"),
     OptionSpec("threshold", "percent", Fraction(50), (), "share of ballots needed"),
     OptionSpec("comparison", "choice", "more-than", ("at-least", "more-than"),
                "whether reaching the threshold exactly is enough")],
    count_confirm, check=_check_confirm,
)
