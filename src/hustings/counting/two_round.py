"""Two-round system: a winner on a threshold, else a runoff between the top two."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hustings.counting.explain import listing, num, share
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.positions import first_choices, positions
from hustings.counting.profile import Profile
from hustings.counting.single import top_n
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options

OPTIONS = [
    OptionSpec("threshold", "percent", Fraction(40), (), "share needed to win outright"),
    OptionSpec("comparison", "choice", "at-least", ("at-least", "more-than"),
               "whether reaching the threshold exactly is enough"),
    OptionSpec("denominator", "choice", "valid", ("valid", "ballots-cast"),
               "the share is of valid votes or of all ballots cast"),
    OptionSpec("simulate_runoff", "bool", False, (),
               "count the runoff from the ballots' later preferences instead of naming the pair"),
    *tiebreak_options("random"),
]


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)


def passes(votes: int, base: int, threshold: Fraction, comparison: str) -> bool:
    """Whether votes/base reaches the threshold percent (exact)."""
    if base == 0:
        return False
    left, right = 100 * votes, threshold * base
    return left >= right if comparison == "at-least" else left > right


def count_two_round(
    profile: Profile, seats: int = 1, options: dict[str, Any] | None = None
) -> Outcome:
    """First round by first preferences; the runoff pair, or the simulated runoff."""
    opts = TWO_ROUND.validate(options, seats, profile.candidates)
    labels = list(profile.candidates)
    if len(labels) < 1:
        raise fail("candidates", "the profile has no candidates")
    ties = breaker(labels, opts)
    t, write_ins, none = first_choices(profile)
    tallies: dict[str, Number] = {labels[c]: int(t[c]) for c in range(len(labels))}
    if write_ins:
        tallies["UWI"] = write_ins
    valid = int(t.sum()) + write_ins
    base = valid if opts["denominator"] == "valid" else profile.total
    word = "at least" if opts["comparison"] == "at-least" else "more than"
    notes = [f"First round: {listing(tallies)}.",
             f"To win outright a candidate needs {word} {num(opts['threshold'])}% of "
             f"{'valid votes' if opts['denominator'] == 'valid' else 'ballots cast'} "
             f"({num(base)})."]
    order, tie_notes = top_n([int(x) for x in t], min(2, len(labels)), ties,
                             purpose="runoff place")
    notes.extend(tie_notes)
    lead = order[0]
    first = Round(1, tallies, exhausted=none, threshold=Fraction(opts["threshold"]) * base / 100,
                  notes=tuple(notes))
    unique_lead = len(order) == 1 or t[order[0]] > t[order[1]]
    if len(order) == 1 or (
        unique_lead and passes(int(t[lead]), base, opts["threshold"], opts["comparison"])
    ):
        sentence = (f"{labels[lead]} has {num(int(t[lead]))} ({share(int(t[lead]), base)}) and "
                    "wins in the first round.")
        first = Round(1, tallies, elected=(labels[lead],), exhausted=none,
                      threshold=first.threshold, notes=(*notes, sentence))
        return Outcome("two-round", 1, tuple(labels), (labels[lead],), (first,),
                       tuple(ties.ties), 2, summary=(sentence,))
    a, b = order
    pair = [labels[a], labels[b]]
    runoff_note = f"No one reaches the threshold: {pair[0]} and {pair[1]} go to a runoff."
    first = Round(1, tallies, exhausted=none, threshold=first.threshold,
                  notes=(*notes, runoff_note))
    if not opts["simulate_runoff"] or profile.max_ranks < 2:
        extra = "" if not opts["simulate_runoff"] else (
            " The ballots carry no later preferences, so the runoff cannot be simulated.")
        return Outcome("two-round", 1, tuple(labels), (), (first,), tuple(ties.ties), 2,
                       {"runoff": pair}, (runoff_note + extra,))
    pos, _ = positions(profile)
    counts = profile.counts
    for_a = int(counts[pos[:, a] < pos[:, b]].sum())
    for_b = int(counts[pos[:, b] < pos[:, a]].sum())
    neither = profile.total - for_a - for_b
    second_tallies: dict[str, Number] = {labels[a]: for_a, labels[b]: for_b}
    if for_a == for_b:
        win = ties.pick([a, b], round=2, purpose="election", lowest=False)
        tie_note = [ties.sentence()]
    else:
        win = a if for_a > for_b else b
        tie_note = []
    sentence = (f"Simulated runoff from later preferences: {listing(second_tallies)}; "
                f"{labels[win]} wins.")
    second = Round(2, second_tallies, elected=(labels[win],), exhausted=neither,
                   notes=(*tie_note, sentence))
    return Outcome("two-round", 1, tuple(labels), (labels[win],), (first, second),
                   tuple(ties.ties), 2, {"runoff": pair, "simulated": True},
                   (runoff_note, sentence))


TWO_ROUND = Method(
    name="two-round",
    summary="A candidate over the threshold wins; otherwise the top two meet in a runoff.",
    options=OPTIONS,
    counter=count_two_round,
    check=_check,
    needs="totals",
)
