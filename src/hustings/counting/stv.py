"""Single transferable vote: WIGM (default), Scottish STV, last-parcel Gregory; Meek in stv_meek.

Surplus transfers move every ballot sitting with the elected candidate (WIGM, Scottish) or
only its last parcel (Gregory) at value × surplus / total. Values are exact Fractions, or
truncated to `decimals` places (Scottish STV: 5, as in the Scottish Local Government
Elections Order 2007, rule 48(3)).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from hustings.counting.ballots import Cursor, prepare
from hustings.counting.explain import listing, names, num
from hustings.counting.irv import BALLOT_OPTIONS, check_ballot_options
from hustings.counting.method import Method
from hustings.counting.options import OptionSpec, fail
from hustings.counting.outcome import Number, Outcome, Round
from hustings.counting.profile import Profile
from hustings.counting.ties import TieBreaker, breaker, check_tiebreak, tiebreak_options
from hustings.counting.weights import Weights

HOPEFUL, PENDING, ELECTED, DEFEATED = 0, 1, 2, 3

STV_OPTIONS = [
    OptionSpec(
        "variant", "choice", "wigm", ("wigm", "scottish", "meek", "gregory", "rctab"),
        "wigm: weighted inclusive Gregory; scottish: WIGM at 5 decimals, truncated; "
        "meek: iterated keep values; gregory: last parcel only; rctab: RCTab's multi-winner "
        "rounds (all of a round's winners elected at once, surpluses moved together next round, "
        "threshold and fractions truncated at `decimals`, default 4)",
    ),
    OptionSpec("quota", "choice", "droop", ("droop", "hare"), "votes / (seats + 1) or / seats"),
    OptionSpec(
        "quota_rounding", "choice", "whole", ("whole", "fractional"),
        "whole: droop floor(v/(s+1))+1 (reached at >=), hare floor(v/s); fractional: exact "
        "quotient (droop reached only above it)",
    ),
    OptionSpec(
        "decimals", "int|None", None, (),
        "transfer values truncated to this many places (default: exact; scottish 5; meek 9)",
    ),
    OptionSpec(
        "surplus_limit", "fraction", Fraction(1, 10**6), (),
        "meek: iterate keep values until the total surplus is below this",
    ),
    *[o for o in BALLOT_OPTIONS if o.name != "write_ins"],
    OptionSpec(
        "write_ins", "choice", "exhaust", ("exhaust", "eliminate-first"),
        "undeclared write-ins exhaust the ballot at that rank, or (variant=rctab only) count "
        "for a candidate 'UWI' eliminated first, no one being elected while it holds votes",
    ),
    OptionSpec(
        "one_winner_per_round", "bool", False, (),
        "(variant=rctab) elect at most one candidate a round: of those reaching the threshold, "
        "the one with the most votes (a tie broken by the tie-break), the others in later "
        "rounds after that surplus moves (RCTab's multiWinnerAllowOnlyOneWinnerPerRound)",
    ),
    OptionSpec(
        "stop_after_round", "int|None", None, (),
        "(variant=rctab) stop counting after this round (RCTab's "
        "stopTabulationEarlyAfterRound): those elected by then hold their seats, the others "
        "stay unfilled",
    ),
    OptionSpec(
        "minimum_votes", "int", 0, (),
        "(variant=rctab) RCTab's minimumVoteThreshold: the threshold is never below this, and "
        "a round that eliminates first drops, together, every continuing candidate with fewer "
        "votes (after undeclared write-ins); refused if fewer candidates than seats left have it",
    ),
    *tiebreak_options(),
]


def _check(options: dict[str, Any], seats: int, candidates: tuple[str, ...]) -> None:
    check_tiebreak(options, candidates)
    if options["max_rankings"] is not None and options["max_rankings"] < 1:
        raise fail("max_rankings", "max_rankings must be at least 1")
    variant = options["variant"]
    if options["overvote_rule"] == "suspend-if-multiple":
        raise fail("overvote_rule", "suspend-if-multiple is offered for IRV only; STV reads "
                   "exhaust-if-multiple as RCTab does (a ballot once exhausted stays so)")
    if options["write_ins"] == "eliminate-first":
        if variant != "rctab":
            raise fail("write_ins", "write_ins=eliminate-first needs variant=rctab")
        check_ballot_options(options, candidates)
    if variant == "rctab" and options["decimals"] is None:
        options["decimals"] = 4
    for name, plain in (("one_winner_per_round", False), ("stop_after_round", None),
                        ("minimum_votes", 0)):
        if options[name] != plain and variant != "rctab":
            raise fail(name, f"{name} needs variant=rctab")
    if options["stop_after_round"] is not None and options["stop_after_round"] < 1:
        raise fail("stop_after_round", "stop_after_round must be at least 1")
    if variant == "scottish":
        if options["quota"] != "droop" or options["quota_rounding"] != "whole":
            raise fail("quota", "Scottish STV uses the whole Droop quota")
        if options["decimals"] not in (None, 5):
            raise fail("decimals", "Scottish STV computes to 5 decimal places")
        options["decimals"] = 5
    if variant == "meek":
        if options["quota"] != "droop":
            raise fail("quota", "Meek STV uses the dynamic Droop quota")
        if options["overvote_rule"] == "exhaust-if-multiple":
            raise fail("overvote_rule", "Meek STV supports exhaust-immediately or "
                       "always-skip-to-next overvotes")
        if options["decimals"] is None:
            options["decimals"] = 9
        if options["surplus_limit"] <= 0:
            raise fail("surplus_limit", "surplus_limit must be greater than 0")
    if options["decimals"] is not None and options["decimals"] > 18:
        raise fail("decimals", "decimals must be at most 18")


def quota_of(valid: int, seats: int, kind: str, rounding: str) -> tuple[Fraction, bool]:
    """The quota and whether reaching it exactly is enough (else it must be exceeded)."""
    divisor = seats + 1 if kind == "droop" else seats
    if rounding == "whole":
        return Fraction(valid // divisor + (1 if kind == "droop" else 0)), True
    return Fraction(valid, divisor), kind == "hare"


def count_stv(profile: Profile, seats: int = 1, options: dict[str, Any] | None = None) -> Outcome:
    """Count a single transferable vote election for `seats` seats."""
    opts = STV.validate(options, seats, profile.candidates)
    if not profile.candidates:
        raise fail("candidates", "the profile has no candidates")
    if opts["variant"] == "meek":
        from hustings.counting.stv_meek import count_meek

        return count_meek(profile, seats, opts)
    if opts["variant"] == "rctab":
        from hustings.counting.stv_rctab import count_stv_rctab

        return count_stv_rctab(profile, seats, opts)
    return _Count(profile, seats, opts).run()


class _Count:
    """One WIGM-family count in progress."""

    def __init__(self, profile: Profile, seats: int, opts: dict[str, Any]) -> None:
        self.labels = list(profile.candidates)
        self.n = len(self.labels)
        self.seats = seats
        self.opts = opts
        self.counts = profile.counts
        codes = prepare(
            profile,
            overvote=opts["overvote_rule"],
            max_skipped=opts["max_skipped_ranks"],
            duplicates=opts["duplicates"],
            max_rankings=opts["max_rankings"],
        )
        self.cursor = Cursor(codes, self.n, profile.overvote_sets)
        self.state = np.full(self.n, HOPEFUL, dtype=np.int64)
        self.cursor.start(self.state == HOPEFUL)
        self.weights = Weights(codes.shape[0], opts["decimals"])
        self.arrived = np.ones(codes.shape[0], dtype=np.int64)
        self.elected_at: dict[int, int] = {}
        self.order: list[int] = []  # order of election
        self.ties: TieBreaker = breaker(self.labels, opts)
        self.history: list[dict[int, Number]] = []
        self.total = int(self.counts.sum())
        votes, exhausted = self.weights.sums(self.cursor.top, self.counts, self.n)
        self.valid = self.total - int(exhausted)
        self.quota, self.at_quota = quota_of(
            self.valid, seats, opts["quota"], opts["quota_rounding"]
        )
        self.decimals = 4 if opts["decimals"] is None else min(opts["decimals"], 9)

    def votes(self) -> tuple[list[Fraction], Fraction]:
        votes, exhausted = self.weights.sums(self.cursor.top, self.counts, self.n)
        for c in np.flatnonzero(self.state == ELECTED):
            votes[c] = self.quota
        return votes, exhausted

    def reaches(self, vote: Fraction) -> bool:
        return vote >= self.quota if self.at_quota else vote > self.quota

    def seats_left(self) -> int:
        return self.seats - int(np.sum((self.state == PENDING) | (self.state == ELECTED)))

    def run(self) -> Outcome:
        rounds: list[Round] = []
        number = 0
        residuals: list[str] = []
        while True:
            number += 1
            votes, exhausted = self.votes()
            shown = [c for c in range(self.n) if self.state[c] != DEFEATED]
            tallies: dict[str, Number] = {self.labels[c]: votes[c] for c in shown}
            residual = self.total - sum(tallies.values(), Fraction(0)) - exhausted
            residuals.append(num(residual, self.opts["decimals"] or 6))
            notes = [self._opening(number, tallies, exhausted, residual)]
            newly = self._elect(votes, number, notes)
            hopeful = [c for c in range(self.n) if self.state[c] == HOPEFUL]
            if self.seats_left() <= 0 or len(hopeful) <= self.seats_left():
                if hopeful and self.seats_left() > 0:
                    for c in sorted(hopeful, key=lambda c: -votes[c]):
                        self.state[c] = ELECTED
                        self.order.append(c)
                        newly.append(c)
                    notes.append(
                        f"{names(self.labels[c] for c in hopeful)} "
                        f"{'fill' if len(hopeful) > 1 else 'fills'} the remaining "
                        f"seat{'s' if len(hopeful) > 1 else ''}, being no more candidates than "
                        "seats left."
                    )
                rounds.append(self._round(number, tallies, newly, (), exhausted, {}, notes))
                break
            self.history.append({c: votes[c] for c in shown})
            pending = [c for c in range(self.n) if self.state[c] == PENDING]
            if pending:
                transfers = self._surplus(pending, votes, number, notes)
                rounds.append(
                    self._round(number, tallies, newly, (), exhausted, transfers, notes)
                )
            else:
                loser, transfers = self._exclude(hopeful, votes, number, notes)
                rounds.append(
                    self._round(number, tallies, newly, (loser,), exhausted, transfers, notes)
                )
        winners = tuple(self.labels[c] for c in self.order)
        variant = self.opts["variant"]
        summary = (
            f"{names(winners)} {'are' if len(winners) > 1 else 'is'} elected to {self.seats} "
            f"seat{'s' if self.seats > 1 else ''} by {_TITLES[variant]} in {len(rounds)} "
            f"stage{'s' if len(rounds) != 1 else ''}, with a quota of {num(self.quota)} of "
            f"{num(self.valid)} valid ballots.",
        )
        extras: dict[str, Any] = {"quota": num(self.quota), "valid": self.valid,
                                  "variant": variant}
        if self.opts["decimals"] is not None:
            extras["residual"] = residuals
        return Outcome(
            "stv", self.seats, tuple(self.labels), winners, tuple(rounds),
            tuple(self.ties.ties), self.decimals, extras, summary,
        )

    def _round(
        self, number: int, tallies: dict[str, Number], elected: list[int],
        eliminated: tuple[int, ...], exhausted: Fraction,
        transfers: dict[str, dict[str, Number]], notes: list[str],
    ) -> Round:
        return Round(
            number, tallies, tuple(self.labels[c] for c in elected),
            tuple(self.labels[c] for c in eliminated), exhausted, self.quota, transfers,
            tuple(notes),
        )

    def _opening(
        self, number: int, tallies: dict[str, Number], exhausted: Fraction, residual: Fraction
    ) -> str:
        d = self.decimals
        if number == 1:
            text = (f"The quota is {num(self.quota, d)} ({self.valid} valid ballots, "
                    f"{self.seats} seat{'s' if self.seats > 1 else ''}). First preferences: "
                    f"{listing(tallies, d)}.")
        else:
            text = f"Votes: {listing(tallies, d)}."
        if exhausted:
            text += f" Non-transferable: {num(exhausted, d)}."
        if residual:
            text += f" Lost to rounding: {num(residual, d)}."
        return text

    def _elect(self, votes: list[Fraction], number: int, notes: list[str]) -> list[int]:
        reach = [c for c in range(self.n) if self.state[c] == HOPEFUL and self.reaches(votes[c])]
        reach.sort(key=lambda c: -votes[c])
        reach = reach[: max(self.seats_left(), 0)]
        for c in reach:
            self.state[c] = PENDING
            self.elected_at[c] = number
            self.order.append(c)
        if reach:
            notes.append(
                f"{names(self.labels[c] for c in reach)} "
                f"{'reach' if len(reach) > 1 else 'reaches'} the quota and "
                f"{'are' if len(reach) > 1 else 'is'} elected."
            )
        return reach

    def _surplus(
        self, pending: list[int], votes: list[Fraction], number: int, notes: list[str]
    ) -> dict[str, dict[str, Number]]:
        high = max(votes[c] for c in pending)
        tied = [c for c in pending if votes[c] == high]
        x = tied[0]
        if len(tied) > 1:
            x = self.ties.pick(tied, round=number, purpose="surplus order", lowest=False,
                               history=self.history)
            notes.append(self.ties.sentence())
        surplus = votes[x] - self.quota
        self.state[x] = ELECTED
        rows = np.flatnonzero(self.cursor.top == x)
        if self.opts["variant"] == "gregory":
            rows = rows[self.arrived[rows] == self.elected_at[x]]
            parcel = self.weights.parcel_value(rows, self.counts)
            what = "the ballots of the last parcel it received"
        else:
            parcel = votes[x]
            what = "all its ballots"
        factor = surplus / parcel if parcel else Fraction(0)
        self.weights.scale_rows(rows, factor)
        moved = self._advance(rows, number)
        d = self.decimals
        notes.append(
            f"{self.labels[x]}'s surplus of {num(surplus, d)} is transferred: {what} "
            f"(value {num(parcel, d)}) move on at {num(factor, d)} of their value"
            f"{' (truncated to ' + str(self.opts['decimals']) + ' places)' if self.opts['decimals'] is not None else ''}"  # noqa: E501
            f": {listing(moved, d)}."
        )
        return {self.labels[x]: moved}

    def _exclude(
        self, hopeful: list[int], votes: list[Fraction], number: int, notes: list[str]
    ) -> tuple[int, dict[str, dict[str, Number]]]:
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] == low]
        loser = tied[0]
        if len(tied) > 1:
            loser = self.ties.pick(tied, round=number, purpose="elimination",
                                   history=self.history)
            notes.append(self.ties.sentence())
        self.state[loser] = DEFEATED
        rows = np.flatnonzero(self.cursor.top == loser)
        moved = self._advance(rows, number)
        notes.append(
            f"No surplus is waiting to be transferred, so {self.labels[loser]}, with the fewest "
            f"votes ({num(low, self.decimals)}), is excluded; their ballots move on at their "
            f"current value: {listing(moved, self.decimals)}."
        )
        return loser, {self.labels[loser]: moved}

    def _advance(self, rows: np.ndarray, number: int) -> dict[str, Number]:
        self.cursor.advance(rows, self.state == HOPEFUL)
        self.arrived[rows] = number + 1
        dest, exhausted = self.weights.sums(self.cursor.top, self.counts, self.n, rows)
        moved: dict[str, Number] = {
            self.labels[c]: dest[c] for c in range(self.n) if self.state[c] == HOPEFUL and dest[c]
        }
        if exhausted:
            moved["exhausted"] = exhausted
        return moved


_TITLES = {
    "wigm": "the weighted inclusive Gregory method",
    "scottish": "Scottish STV",
    "gregory": "last-parcel Gregory STV",
    "meek": "Meek STV",
    "rctab": "STV with RCTab's rules",
}

STV = Method(
    name="stv",
    summary="Single transferable vote: quota, surplus transfers and exclusions (WIGM, "
    "Scottish, Meek, Gregory).",
    options=STV_OPTIONS,
    counter=count_stv,
    multi_winner=True,
    check=_check,
)
