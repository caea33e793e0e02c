"""The effective count of an election, by its own rule, and its immutable result versions.

Each round is a base poll (the initial vote, a runoff, the next ballot of an exhaustive
election). A precinct counts the return of the latest poll that re-voted it (a re-vote ordered
by a ruling), else the base poll's. A return is a tally sheet (two clerks' matching entries, see
domain.double_entry) or a ballot batch (two clerks' identical imports). The round's profile is
every accepted return of its polls, and the outcome is the registered counting method's, with
the election's seats and rules: rounds, transfers, exhausted ballots, quota and ties as the
engine reports them. Per-precinct tables show first preferences.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from typing import Any

from hustings.counting import batches as batch_profiles
from hustings.counting.method import Method
from hustings.counting.outcome import Outcome
from hustings.counting.profile import EMPTY, Profile
from hustings.counting.registry import get_method
from hustings.domain.double_entry import (
    BatchEntry,
    BatchReconciliation,
    Reconciliation,
    SheetEntry,
    reconcile,
    reconcile_batches,
)
from hustings.domain.election import Candidate, Election, Returns
from hustings.domain.online import ONLINE_PRECINCT
from hustings.domain.polling import BallotBatch, Poll, PollKind, Precinct, TallySheet
from hustings.domain.results import Result, summarise
from hustings.services.ports import UnitOfWork

CERTIFIED_ON = "certified on "  # a certification's version reason: CERTIFIED_ON + ISO day
CHANGES = "precinct_changes"  # kept with each stored version, not published (see below)
VERSION_KEYS_IGNORED = ("status", CHANGES)


@dataclass(frozen=True)
class PrecinctCount:
    code: str
    name: str
    poll: str  # the poll whose return counts here
    reconciliation: Reconciliation | BatchReconciliation

    @property
    def accepted(self) -> bool:
        return self.reconciliation.accepted is not None

    @property
    def status(self) -> str:
        return self.reconciliation.status


@dataclass(frozen=True)
class SectionFigures:
    """An electoral college section's turnout and first-round figures within one round."""

    key: str
    name: str
    weight: Fraction
    registered: int
    ballots_cast: int
    tallies: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "weight": str(self.weight),
                "registered": self.registered, "ballots_cast": self.ballots_cast,
                "tallies": dict(self.tallies)}


@dataclass(frozen=True)
class RoundCount:
    number: int
    poll: Poll
    precincts: tuple[PrecinctCount, ...]
    result: Result  # first-preference figures: sums of sheets, or of batches' first marks
    outcome: Outcome | None = None  # the engine's count of this poll's returns
    runoff_pair: tuple[str, ...] = ()  # named by a two-round rule when no one passes
    next_ballot: tuple[str, ...] = ()  # an exhaustive election's: who stands on the next poll
    sections: tuple[SectionFigures, ...] = ()

    @property
    def complete(self) -> bool:
        return all(p.accepted for p in self.precincts)


@dataclass(frozen=True)
class ElectionCount:
    election: Election
    rounds: tuple[RoundCount, ...]

    @property
    def method(self) -> Method:
        """The registered counting method the election declares."""
        return get_method(self.election.method)

    @property
    def final(self) -> RoundCount:
        return self.rounds[-1]

    @property
    def pending(self) -> bool:
        """A runoff or a next ballot is due: no one is elected yet."""
        return bool(self.final.runoff_pair or self.final.next_ballot)

    @property
    def winners(self) -> tuple[str, ...]:
        outcome = self.final.outcome
        if outcome is None or self.pending or self.final.result.valid == 0:
            return ()
        return tuple(outcome.winners)

    def unreported(self) -> list[str]:
        return [p.code for p in self.final.precincts if not p.accepted]

    def engine_rounds(self) -> list[dict[str, Any]]:
        """Every round the engine counted, over all polls, numbered on."""
        out: list[dict[str, Any]] = []
        for r in self.rounds:
            if r.outcome is None:
                continue
            for item in r.outcome.to_dict()["rounds"]:
                out.append({**item, "round": len(out) + 1})
        return out

    def to_dict(self) -> dict[str, Any]:
        """The published result (the JSON contract): the final round's figures, the engine's
        rounds and ties, every poll when several, and sections for a college."""
        final = self.final
        data = final.result.to_dict()
        winners = self.winners
        data["winner"] = winners[0] if len(winners) == 1 else None
        if final.outcome is not None and self.election.returns is Returns.BALLOTS \
                and final.outcome.rounds:
            last = sorted((Fraction(v) for v in final.outcome.rounds[-1].tallies.values()),
                          reverse=True)
            # the final round's lead in whole votes; shares and points have no vote margin
            whole = len(last) > 1 and all(v.denominator == 1 for v in last[:2])
            data["margin"] = int(last[0] - last[1]) if whole else 0
        data["method"] = self.election.method
        data["seats"] = self.election.seats
        data["returns"] = self.election.returns.value
        data["winners"] = list(winners)
        data["rounds"] = self.engine_rounds()
        data["ties"] = [t for r in self.rounds if r.outcome is not None
                        for t in r.outcome.to_dict()["ties"]]
        if len(self.rounds) > 1 or self.pending:
            data["polls"] = [
                {"round": r.number, "poll": r.poll.key, "day": r.poll.day.isoformat(),
                 **{k: v for k, v in r.result.to_dict().items() if k != "status"},
                 **({"runoff": list(r.runoff_pair)} if r.runoff_pair else {}),
                 **({"next_ballot": list(r.next_ballot)} if r.next_ballot else {})}
                for r in self.rounds
            ]
        if self.election.sections:
            data["sections"] = [s.to_dict() for s in final.sections]
        return data


def base_polls(polls: list[Poll]) -> list[Poll]:
    return [p for p in polls if p.kind is not PollKind.REVOTE]


def _revotes_of(base: Poll, polls: list[Poll]) -> list[Poll]:
    """Polls that re-vote `base`'s precincts, directly or through an earlier re-vote."""
    keys, found = {base.key}, []
    for poll in polls:  # polls come in date order
        if poll.replaces in keys:
            keys.add(poll.key)
            found.append(poll)
    return found


class _Returns:
    """Each poll's entries, read once and grouped by precinct (linear in the entries)."""

    def __init__(self, uow: UnitOfWork, slug: str):
        self.uow, self.slug = uow, slug
        self.sheets: dict[str, dict[str, list[SheetEntry]]] = {}
        self.batches: dict[str, dict[str, list[BatchEntry]]] = {}

    def sheet_entries(self, poll: str, code: str) -> list[SheetEntry]:
        if poll not in self.sheets:
            grouped: dict[str, list[SheetEntry]] = {}
            for e in self.uow.sheets.entries(self.slug, poll):
                grouped.setdefault(e.sheet.precinct, []).append(e)
            self.sheets[poll] = grouped
        return self.sheets[poll].get(code, [])

    def batch_entries(self, poll: str, code: str) -> list[BatchEntry]:
        if poll not in self.batches:
            grouped: dict[str, list[BatchEntry]] = {}
            for e in self.uow.batches.entries(self.slug, poll):
                grouped.setdefault(e.batch.precinct, []).append(e)
            self.batches[poll] = grouped
        return self.batches[poll].get(code, [])


def count_election(uow: UnitOfWork, slug: str) -> ElectionCount:
    election = uow.elections.get(slug)
    polls = uow.polls.all(slug)
    precincts = {p.code: p for p in uow.precincts.all(slug)}
    roll = uow.roll.counts(slug)
    returns = _Returns(uow, slug)
    method = get_method(election.method)
    by_ballots = election.returns is Returns.BALLOTS
    rounds: list[RoundCount] = []
    for number, base in enumerate(base_polls(polls), start=1):
        revotes = _revotes_of(base, polls)
        counted: list[PrecinctCount] = []
        for code in base.precincts:
            poll = ([base] + [r for r in revotes if code in r.precincts])[-1]
            rec: Reconciliation | BatchReconciliation
            if by_ballots:
                rec = reconcile_batches(returns.batch_entries(poll.key, code),
                                        1 if code == ONLINE_PRECINCT else election.sheet_entries,
                                        returns.sheet_entries(poll.key, code))
            else:
                # the online poll's return is its decrypted tally, proved rather than copied:
                # one entry (by the online.publish command) counts
                required = 1 if code == ONLINE_PRECINCT else election.sheet_entries
                rec = reconcile(returns.sheet_entries(poll.key, code), required)
            counted.append(PrecinctCount(code, precincts[code].name, poll.key, rec))
        rounds.append(_count_round(election, method, number, base, counted, precincts, roll))
    return ElectionCount(election, tuple(rounds))


def on_ballot(election: Election, poll: Poll) -> tuple[Candidate, ...]:
    """The candidates a poll's ballot carries: all standing ones, or the poll's own list."""
    if poll.candidates is not None:
        return tuple(c for c in election.candidates if c.key in poll.candidates)
    return election.on_ballot


def _count_round(election: Election, method: Method, number: int, base: Poll,
                 counted: list[PrecinctCount], precincts: dict[str, Precinct],
                 roll: dict[str, int]) -> RoundCount:
    standing = on_ballot(election, base)
    sheets: list[tuple[TallySheet, str]] = []
    batches: list[tuple[str, BallotBatch]] = []
    for p in counted:
        accepted = p.reconciliation.accepted
        # each precinct's figures keep the poll they come from (a re-vote's, where voided)
        if isinstance(accepted, TallySheet):
            sheets.append((accepted, p.name))
        elif isinstance(accepted, BallotBatch):
            batches.append((p.code, accepted))
            sheets.append((_first_preference_sheet(accepted, p.poll, roll.get(p.code, 0),
                                                   standing), p.name))
    result = summarise(
        election=election.slug, status=election.status.value, candidates=standing,
        sheets=sheets, registered=sum(roll.get(code, 0) for code in base.precincts),
        precincts_total=len(base.precincts), base=election.percentage_base)
    if not sheets:
        return RoundCount(number, base, tuple(counted), result)
    keys = [c.key for c in standing]
    labels = [c.name for c in standing]
    rules = dict(election.rules)
    sections: tuple[SectionFigures, ...] = ()
    if election.sections:
        groups = {s.key: [b for code, b in batches if precincts[code].section == s.key]
                  for s in election.sections}
        rules["sections"] = [(s.name, s.weight, batch_profiles.profile_of(groups[s.key], keys,
                                                                            labels))
                             for s in election.sections]
        profile = batch_profiles.profile_of([b for _, b in batches], keys, labels)
    elif "districts" in method.supplied:
        rules["districts"] = [
            {"name": precincts[code].name, "profile": batch_profiles.profile_of([b], keys, labels),
             "points": precincts[code].points}
            for code, b in batches]
        profile = batch_profiles.profile_of([b for _, b in batches], keys, labels)
    elif batches:
        profile = batch_profiles.profile_of([b for _, b in batches], keys, labels)
    else:
        profile = totals_profile(labels, result)
    outcome = method.count(profile, election.seats, rules)
    complete = all(p.accepted for p in counted)
    pair: tuple[str, ...] = ()
    next_ballot: tuple[str, ...] = ()
    if method.name == "two-round" and not outcome.winners and complete:
        pair = tuple(outcome.extras.get("runoff", ()))
    if method.name == "exhaustive" and not batches and outcome.rounds:
        # each ballot of an exhaustive election is a poll of its own: this poll decides only
        # its first round (someone elected, or who drops out before the next ballot)
        first = outcome.rounds[0]
        outcome = replace(outcome, rounds=(first,), winners=first.elected,
                          ties=tuple(t for t in outcome.ties if t.round == 1))
        if not first.elected and complete:
            next_ballot = tuple(c.name for c in standing if c.name not in first.eliminated)
    if election.sections:
        sections = _section_figures(election, outcome, batches, precincts, roll)
    return RoundCount(number, base, tuple(counted), result, outcome, pair, next_ballot,
                      sections)


def _section_figures(election: Election, outcome: Outcome, batches: list[tuple[str, BallotBatch]],
                     precincts: dict[str, Precinct],
                     roll: dict[str, int]) -> tuple[SectionFigures, ...]:
    first = (outcome.extras.get("section_tallies") or [{}])[0]
    out = []
    for s in election.sections:
        codes = [c for c, p in precincts.items() if p.section == s.key]
        cast = sum(b.ballots for code, b in batches if precincts[code].section == s.key)
        out.append(SectionFigures(s.key, s.name, s.weight, sum(roll.get(c, 0) for c in codes),
                                  cast, dict(first.get(s.name, {}))))
    return tuple(out)


def totals_profile(labels: list[str], result: Result) -> Profile:
    """A sheet-based count as ballots: one single-mark ballot per vote, blank and invalid
    ballots marking no one. Exact for rules that need only totals."""
    by_name = {c.name: c.votes for c in result.candidates}
    ballots = [[i] for i in range(len(labels))] + [[EMPTY]]
    counts = [by_name.get(name, 0) for name in labels] + [result.blank + result.invalid]
    return Profile.from_ballots(labels, ballots, counts)


def _first_preference_sheet(batch: BallotBatch, poll: str, registered: int,
                            standing: tuple[Candidate, ...]) -> TallySheet:
    votes, blank, invalid = batch_profiles.first_preferences(batch)
    keys = {c.key for c in standing}
    shown = {k: v for k, v in votes.items() if k in keys}
    lost = sum(v for k, v in votes.items() if k not in keys)  # marks for withdrawn candidates
    return TallySheet(poll, batch.precinct, registered, batch.ballots,
                      {c.key: shown.get(c.key, 0) for c in standing}, blank, invalid + lost)


def current_result(uow: UnitOfWork, slug: str) -> dict[str, Any]:
    return count_election(uow, slug).to_dict()


def record_version(uow: UnitOfWork, slug: str, reason: str, at: datetime,
                   force: bool = False, count: ElectionCount | None = None,
                   effects: list[dict[str, Any]] | None = None) -> int | None:
    """Store a new immutable version when the figures changed (or when forced). A tie broken
    by lot is named in the version's reason and, through `effects` (the command's), in the
    log entry of the command that made the version, with its seed."""
    count = count or count_election(uow, slug)
    result = count.to_dict()
    versions = uow.versions.all(slug)
    if versions and not force:
        last = versions[-1][3]
        if _figures(last) == _figures(result):
            return None
    reported = any(p.accepted for r in count.rounds for p in r.precincts)
    if not versions and not force and not reported:
        return None
    lots = [t for t in result.get("ties", []) if "lot" in str(t.get("broken_by", ""))]
    if lots:
        reason += "; " + "; ".join(f"tie between {', '.join(t['between'])} broken by "
                                   f"{t['broken_by']}" for t in lots)
    result[CHANGES] = precinct_changes(
        folded_precincts(v[3] for v in versions), precinct_state(count))
    number = (versions[-1][0] if versions else 0) + 1
    tree = uow.audit.tree()  # the log before this command's entry: the version is pinned to it
    uow.versions.add(slug, number, at, reason, result, (tree.size, tree.root().hex()))
    if lots and effects is not None:
        effects.append({"election": slug, "result_version": number, "lots": lots})
    return number


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in VERSION_KEYS_IGNORED}


# -- what each version changed, precinct by precinct ---------------------------------------------
#
# A stored version keeps, under CHANGES, the precincts whose counted return differs from the
# previous version's: {"round", "precinct", "name", "change", "before", "after"}, where `round`
# is the round's base poll, `before`/`after` are the precinct's figures (None when it had none
# counted) and `change` is "reported", "voided", "re-voted" (the figures now come from a re-vote
# poll) or "corrected". Only the changes are kept, so storage grows with what changed, not with
# versions x precincts; the figures as they stood at a version are the changes folded in order.


def precinct_state(count: ElectionCount) -> dict[str, dict[str, Any]]:
    """Every counted precinct return, keyed "ROUND-POLL/CODE"."""
    state: dict[str, dict[str, Any]] = {}
    for r in count.rounds:
        for p in r.result.precincts:
            state[f"{r.poll.key}/{p.code}"] = {
                "round": r.poll.key, "precinct": p.code, "name": p.name, "poll": p.poll,
                "registered": p.registered, "ballots_cast": p.ballots_cast,
                "votes": dict(p.votes), "blank": p.blank, "invalid": p.invalid}
    return state


def folded_precincts(results: Any, start: dict[str, dict[str, Any]] | None = None
                     ) -> dict[str, dict[str, Any]]:
    """The counted precinct returns after the stored versions `results` (their CHANGES folded
    in order onto `start`, which is left as it was)."""
    state: dict[str, dict[str, Any]] = dict(start or {})
    for result in results:
        for change in result.get(CHANGES, ()):
            key = f"{change['round']}/{change['precinct']}"
            if change["after"] is None:
                state.pop(key, None)
            else:
                state[key] = change["after"]
    return state


def precinct_changes(before: dict[str, dict[str, Any]],
                     after: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The returns that differ between two states, in round then precinct order of `after`."""
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        some = new or old
        assert some is not None
        if new is None:
            kind = "voided"
        elif new["poll"] != new["round"] and (old is None or old["poll"] != new["poll"]):
            kind = "re-voted"
        elif old is None:
            kind = "reported"
        else:
            kind = "corrected"
        changes.append({"round": some["round"], "precinct": some["precinct"],
                        "name": some["name"], "change": kind, "before": old, "after": new})
    return changes
