"""Instant-runoff voting with RCTab's ballot rules, vectorised over unique rankings."""

from __future__ import annotations

from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor, prepare, tally
from hustings.counting.explain import listing, names, num, share
from hustings.counting.method import Method
from hustings.counting.options import UNLIMITED, OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import WRITE_IN, Profile
from hustings.counting.ties import breaker, check_tiebreak, tiebreak_options

UWI = "UWI"

BALLOT_OPTIONS = [
    OptionSpec(
        "overvote_rule", "choice", "exhaust-immediately",
        ("exhaust-immediately", "always-skip-to-next", "exhaust-if-multiple",
         "suspend-if-multiple"),
        "what an overvoted rank does: exhaust the ballot, be skipped, or exhaust only if "
        "more than one of its candidates is continuing (once exhausted, always exhausted, as "
        "RCTab reads it); suspend-if-multiple (IRV only): the ballot waits while several "
        "continue and counts again for the one left",
    ),
    OptionSpec(
        "max_skipped_ranks", "count", UNLIMITED, (),
        "exhaust a ballot after more than this many consecutive blank ranks",
    ),
    OptionSpec(
        "duplicates", "choice", "skip", ("skip", "exhaust"),
        "a repeated ranking of an already-ranked candidate is skipped, or exhausts the ballot",
    ),
    OptionSpec("max_rankings", "int|None", None, (), "ranks beyond this one are ignored"),
    OptionSpec(
        "write_ins", "choice", "eliminate-first", ("eliminate-first", "exhaust"),
        "undeclared write-ins count for a candidate 'UWI' eliminated in the first round, "
        "or exhaust the ballot at that rank",
    ),
]

IRV_OPTIONS = [
    *BALLOT_OPTIONS,
    OptionSpec(
        "batch_elimination", "bool", False, (),
        "eliminate together all the lowest candidates whose combined votes are fewer than "
        "the next candidate's",
    ),
    OptionSpec(
        "continue_until_two", "bool", False, (),
        "keep eliminating until two candidates remain, even after someone has a majority",
    ),
    OptionSpec(
        "uwi_on_ballot", "bool", False, (),
        "the ballot has a write-in line: with write_ins=eliminate-first, UWI stands (and is "
        "eliminated in round 1) even with no votes, as RCTab counts a contest that offers one",
    ),
    OptionSpec(
        "round_structure", "choice", "standard", ("standard", "rctab"),
        "standard: elect at a majority, or the leader of the last two; rctab: RCTab's rounds "
        "(a round electing someone eliminates no one, the winner is declared at the majority "
        "round even with continue_until_two, a tie between the last two is broken for the win)",
    ),
    OptionSpec(
        "threshold_round", "choice", "every", ("every", "first"),
        "(round_structure=rctab) every: the threshold is a majority of each round's continuing "
        "votes; first: it stays at round 1's (RCTab's doesFirstRoundDetermineThreshold), so "
        "a winner may need to be the leader of the last two",
    ),
    OptionSpec(
        "stop_after_round", "int|None", None, (),
        "(round_structure=rctab) stop counting after this round (RCTab's "
        "stopTabulationEarlyAfterRound): no one is elected unless someone already was",
    ),
    OptionSpec(
        "minimum_votes", "int", 0, (),
        "(round_structure=rctab) RCTab's minimumVoteThreshold: the threshold is never below "
        "this, and a round that eliminates first drops, together, every candidate with fewer "
        "votes (after undeclared write-ins); a count where no candidate has it is refused",
    ),
    *tiebreak_options(),
]


def check_ballot_options(options: dict[str, Any], candidates: tuple[str, ...]) -> None:
    if options["max_rankings"] is not None and options["max_rankings"] < 1:
        raise fail("max_rankings", "max_rankings must be at least 1")
    if UWI in candidates and options["write_ins"] == "eliminate-first":
        raise fail("write_ins", f"a declared candidate is called {UWI!r}; use write_ins=exhaust")


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_ballot_options(options, candidates)
    check_tiebreak(options, candidates)
    for name, plain in (("threshold_round", "every"), ("stop_after_round", None),
                        ("minimum_votes", 0)):
        if options[name] != plain and options["round_structure"] != "rctab":
            raise fail(name, f"{name} needs round_structure=rctab")
    if options["stop_after_round"] is not None and options["stop_after_round"] < 1:
        raise fail("stop_after_round", "stop_after_round must be at least 1")


def codes_for(profile: Profile, options: dict[str, Any]) -> tuple[np.ndarray, list[str], int]:
    """Recoded rankings, candidate names (with UWI when write-ins count) and UWI's index."""
    labels = list(profile.candidates)
    uwi = -1
    if options["write_ins"] == "eliminate-first" and (
            options.get("uwi_on_ballot") or bool(np.any(profile.rankings == WRITE_IN))):
        uwi = len(labels)
        labels.append(UWI)
    codes = prepare(
        profile,
        overvote=options["overvote_rule"],
        max_skipped=options["max_skipped_ranks"],
        duplicates=options["duplicates"],
        max_rankings=options["max_rankings"],
        write_in=uwi if uwi >= 0 else None,
    )
    return codes, labels, uwi


def count_irv(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None) -> Outcome:
    """Count a single-winner instant runoff."""
    opts = IRV.validate(options, seats, profile.candidates)
    if not profile.candidates:
        raise fail("candidates", "the profile has no candidates")
    if opts["round_structure"] == "rctab":
        from hustings.counting.irv_rctab import count_irv_rctab

        return count_irv_rctab(profile, opts)
    codes, labels, uwi = codes_for(profile, opts)
    n = len(labels)
    counts = profile.counts
    ties = breaker(labels, opts)
    cursor = Cursor(codes, n, profile.overvote_sets,
                    suspend=opts["overvote_rule"] == "suspend-if-multiple")
    continuing = np.ones(n, dtype=bool)
    cursor.start(continuing)
    rounds: list[Round] = []
    history: list[dict[int, Number]] = []
    winner = -1
    number = 0
    while winner < 0:
        number += 1
        t, exhausted = tally(cursor.top, counts, n)
        alive = [c for c in range(n) if continuing[c]]
        declared = [c for c in alive if c != uwi]
        active = int(sum(int(t[c]) for c in alive))
        tallies: dict[str, Number] = {labels[c]: int(t[c]) for c in alive}
        notes = [_opening(number, tallies, exhausted)]
        need = active // 2 + 1
        best = max(int(t[c]) for c in declared)
        leaders = [c for c in declared if t[c] == best]
        if len(declared) == 1 or (
            len(declared) == 2 and uwi not in alive and opts["continue_until_two"]
        ):
            if len(leaders) > 1:
                winner = ties.pick(leaders, round=number, purpose="election", lowest=False,
                                   history=history)
                notes.append(ties.sentence())
            else:
                winner = leaders[0]
        elif not opts["continue_until_two"] and best * 2 > active:
            winner = leaders[0]
        if winner >= 0:
            notes.append(
                f"{labels[winner]} has {num(int(t[winner]))} of {num(active)} continuing votes "
                f"({share(int(t[winner]), active)}) and is elected."
            )
            rounds.append(Round(number, tallies, elected=(labels[winner],), exhausted=exhausted,
                                threshold=need, notes=tuple(notes)))
            break
        notes.append(f"No candidate has a majority of the {num(active)} continuing votes "
                     f"({num(need)} needed)." if not opts["continue_until_two"] else
                     f"{len(declared)} candidates remain; counting continues until two remain.")
        gone = _choose_losers(t, alive, declared, uwi, opts, ties, number, history, notes)
        history.append({c: int(t[c]) for c in alive})
        mask = np.zeros(n, dtype=bool)
        mask[gone] = True
        continuing[gone] = False
        transfers = _move(cursor, mask, continuing, counts, labels)
        for c in gone:
            notes.append(_transfer_sentence(labels[c], transfers[labels[c]]))
        rounds.append(Round(number, tallies, eliminated=tuple(labels[c] for c in gone),
                            exhausted=exhausted, threshold=need, transfers=transfers,
                            notes=tuple(notes)))
    last = rounds[-1]
    summary = (
        f"{labels[winner]} wins by instant runoff after {len(rounds)} "
        f"round{'s' if len(rounds) != 1 else ''}, with {num(last.tallies[labels[winner]])} of "
        f"{num(sum(last.tallies.values()))} continuing votes.",
    )
    return Outcome("irv", 1, tuple(labels), (labels[winner],), tuple(rounds),
                   tuple(ties.ties), 0, summary=summary)


def _opening(number: int, tallies: dict[str, Number], exhausted: int) -> str:
    what = "First preferences" if number == 1 else "Votes"
    note = f"{what}: {listing(tallies)}."
    if exhausted:
        if number == 1:
            word = "has no valid choice" if exhausted == 1 else "have no valid choice"
        else:
            word = "is exhausted" if exhausted == 1 else "are exhausted"
        note += f" {num(exhausted)} ballot{'s' if exhausted != 1 else ''} {word}."
    return note


def _choose_losers(
    t: np.ndarray, alive: list[int], declared: list[int], uwi: int, opts: dict[str, Any],
    ties: Any, number: int, history: list[dict[int, Number]], notes: list[str],
) -> list[int]:
    if uwi in alive:
        notes.append(f"Undeclared write-ins ({num(int(t[uwi]))}) are eliminated first.")
        return [uwi]
    if opts["batch_elimination"]:
        order = sorted(declared, key=lambda c: int(t[c]))
        total, k = 0, 0
        for i in range(len(order) - 2):
            total += int(t[order[i]])
            if total < int(t[order[i + 1]]):
                k = i + 1
        if k >= 2:
            batch = order[:k]
            notes.append(
                f"{names(labels_of(ties.names, batch))} together have fewer votes than the next "
                "candidate, so cannot win, and are eliminated together."
            )
            return batch
    return eliminate_lowest(t, declared, ties, number, history, notes)


def eliminate_lowest(t: np.ndarray, among: list[int], ties: Any, number: int,
                     history: list[dict[int, Number]], notes: list[str]) -> list[int]:
    """The candidate with the fewest votes (a tie broken by the rule's tie-break), explained."""
    low = min(int(t[c]) for c in among)
    lowest = [c for c in among if t[c] == low]
    loser = lowest[0]
    if len(lowest) > 1:
        loser = ties.pick(lowest, round=number, purpose="elimination", history=history)
        notes.append(ties.sentence())
    notes.append(f"{ties.names[loser]} has the fewest votes ({num(low)}) and is eliminated.")
    return [loser]


def labels_of(all_names: list[str], idx: list[int]) -> list[str]:
    return [all_names[c] for c in idx]


def _move(
    cursor: Cursor, gone: np.ndarray, continuing: np.ndarray, counts: np.ndarray,
    labels: list[str],
) -> dict[str, dict[str, Number]]:
    """Advance the ballots of `gone` candidates; the transfers they make, by source."""
    mask = np.append(gone, False)
    rows = np.flatnonzero(mask[cursor.top])
    back = cursor.release()  # suspended overvotes: looked at again after each elimination
    source = np.concatenate([cursor.top[rows], cursor.top[back]])
    rows = np.concatenate([rows, back])
    cursor.advance(rows, continuing)
    dest = cursor.top[rows]
    weights = counts[rows]
    out: dict[str, dict[str, Number]] = {}
    n = len(labels)
    for s in np.flatnonzero(gone):
        pick = source == s
        moved = np.rint(np.bincount(dest[pick] + 1, weights=weights[pick], minlength=n + 1))
        to: dict[str, Number] = {
            labels[c]: int(moved[c + 1]) for c in range(n) if continuing[c] and moved[c + 1]
        }
        if moved[0]:
            to["exhausted"] = int(moved[0])
        out[labels[int(s)]] = to
    return out


def _transfer_sentence(source: str, to: dict[str, Number]) -> str:
    if not to:
        return f"{source} had no ballots to transfer."
    return f"{source}'s ballots go to: {listing(to)}."


IRV = Method(
    name="irv",
    summary="Instant runoff: eliminate the last candidate until one has a majority of "
    "continuing votes.",
    options=IRV_OPTIONS,
    counter=count_irv,
    check=_check,
)
