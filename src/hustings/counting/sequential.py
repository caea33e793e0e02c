"""Sequential (multi-pass) instant runoff: RCTab's `multiPassIrv`.

One seat at a time: a whole single-winner instant runoff (`irv`, with all its options) elects
the first winner; the count then starts again from the ballots with that winner removed (as
RCTab excludes them: each ballot passes over them), and so on until every seat is filled. No
surplus moves between passes. Every pass starts its tie-break afresh (RCTab makes a new
`java.util.Random(seed)` for each).

The outcome's rounds are every pass's rounds in order, numbered on; `extras["passes"]` gives
how many rounds each pass took, and each pass's first round says which pass it starts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hustings.counting.explain import names
from hustings.counting.irv import IRV, IRV_OPTIONS, _check
from hustings.counting.method import Method
from hustings.counting.outcome import Outcome, Round, Tie
from hustings.counting.profile import Profile, without_candidates


def count_sequential(profile: Profile, seats: int, opts: dict[str, Any]) -> Outcome:
    """Fill `seats` seats by successive instant runoffs, each without the earlier winners."""
    winners: list[str] = []
    rounds: list[Round] = []
    ties: list[Tie] = []
    passes: list[int] = []
    summary: list[str] = []
    current = profile
    for seat in range(1, seats + 1):
        these = dict(opts)
        if these.get("order") is not None:  # the tie-break order, less those elected
            these["order"] = tuple(c for c in these["order"] if c in current.candidates)
        outcome = IRV.count(current, 1, these)  # no one elected on no votes, as for irv
        offset = len(rounds)
        for k, r in enumerate(outcome.rounds):
            notes = r.notes
            if k == 0:
                head = (f"Pass {seat} (seat {seat} of {seats})"
                        + (f", without {names(winners)}." if winners else "."))
                notes = (head, *notes)
            rounds.append(replace(r, number=offset + r.number, notes=notes))
        ties.extend(replace(t, round=offset + t.round) for t in outcome.ties)
        passes.append(len(outcome.rounds))
        if not outcome.winners:
            summary.append(f"Pass {seat} elects no one, so the count stops with "
                           f"{len(winners)} of {seats} seats filled.")
            break
        winner = outcome.winners[0]
        winners.append(winner)
        summary.append(f"Pass {seat}: {winner} is elected.")
        if seat < seats:  # seats <= candidates, so at least seats - seat candidates remain
            current = without_candidates(current, [current.candidates.index(winner)])
    summary.insert(0, f"{names(winners) or 'No one'} {'are' if len(winners) > 1 else 'is'} "
                      f"elected by sequential instant runoff in {len(passes)} pass"
                      f"{'es' if len(passes) != 1 else ''}.")
    labels = list(profile.candidates)
    for r in rounds:
        labels.extend(c for c in r.tallies if c not in labels)
    return Outcome("sequential-irv", seats, tuple(labels), tuple(winners), tuple(rounds),
                   tuple(ties), 0, {"passes": passes}, tuple(summary))


SEQUENTIAL_IRV = Method(
    name="sequential-irv",
    summary="Sequential instant runoff: one full instant runoff a seat, each without the "
    "candidates already elected.",
    options=IRV_OPTIONS,
    counter=count_sequential,
    multi_winner=True,
    check=_check,
)
