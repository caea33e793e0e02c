"""The effective count of a poll-based election and its immutable result versions.

Each round is a base poll (the initial vote, a runoff). A precinct counts the sheet of the
latest poll that re-voted it (a re-vote ordered by a ruling), else the base poll's; a sheet
counts once two clerks' entries match (see domain.double_entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hustings.counting.profile import EMPTY, Profile
from hustings.counting.registry import get_method
from hustings.domain.double_entry import Reconciliation, SheetEntry, reconcile
from hustings.domain.election import Election
from hustings.domain.polling import Poll, PollKind, TallySheet
from hustings.domain.results import Result, summarise
from hustings.services.ports import UnitOfWork

VERSION_KEYS_IGNORED = ("status",)


@dataclass(frozen=True)
class PrecinctCount:
    code: str
    name: str
    poll: str  # the poll whose sheet counts here
    reconciliation: Reconciliation


@dataclass(frozen=True)
class RoundCount:
    number: int
    poll: Poll
    precincts: tuple[PrecinctCount, ...]
    result: Result
    runoff_pair: tuple[str, ...] = ()  # named by a two-round rule when no one passes


@dataclass(frozen=True)
class ElectionCount:
    election: Election
    rounds: tuple[RoundCount, ...]

    @property
    def final(self) -> RoundCount:
        return self.rounds[-1]

    def unreported(self) -> list[str]:
        return [p.code for p in self.final.precincts if p.reconciliation.accepted is None]

    def to_dict(self) -> dict[str, Any]:
        """The published result: the final round's figures, and every round when several."""
        data = self.final.result.to_dict()
        if len(self.rounds) > 1 or self.final.runoff_pair:
            data["rounds"] = [
                {"round": r.number, "poll": r.poll.key, "day": r.poll.day.isoformat(),
                 **{k: v for k, v in r.result.to_dict().items() if k != "status"},
                 **({"runoff": list(r.runoff_pair)} if r.runoff_pair else {})}
                for r in self.rounds
            ]
        if self.final.runoff_pair:
            data["winner"] = None
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


def count_election(uow: UnitOfWork, slug: str) -> ElectionCount:
    election = uow.elections.get(slug)
    polls = uow.polls.all(slug)
    names = {p.code: p.name for p in uow.precincts.all(slug)}
    roll = uow.roll.counts(slug)
    entries_by_poll: dict[str, list[SheetEntry]] = {}

    def entries(poll: str, code: str) -> list[SheetEntry]:
        if poll not in entries_by_poll:
            entries_by_poll[poll] = uow.sheets.entries(slug, poll)
        return [e for e in entries_by_poll[poll] if e.sheet.precinct == code]

    rounds: list[RoundCount] = []
    for number, base in enumerate(base_polls(polls), start=1):
        revotes = _revotes_of(base, polls)
        counted: list[PrecinctCount] = []
        for code in base.precincts:
            poll = ([base] + [r for r in revotes if code in r.precincts])[-1]
            counted.append(PrecinctCount(code, names[code], poll.key,
                                         reconcile(entries(poll.key, code),
                                                   election.sheet_entries)))
        on_ballot = [c for c in election.candidates
                     if base.candidates is None or c.key in base.candidates]
        accepted = [(p.reconciliation.accepted, p.name) for p in counted
                    if p.reconciliation.accepted is not None]
        result = summarise(
            election=slug, status=election.status.value, candidates=on_ballot,
            sheets=[(_as_poll(s, base.key), n) for s, n in accepted if s is not None],
            registered=sum(roll.get(code, 0) for code in base.precincts),
            precincts_total=len(base.precincts), base=election.percentage_base)
        pair: tuple[str, ...] = ()
        if election.method == "two-round" and len(accepted) == len(counted):
            pair = runoff_pair(election, result)
        rounds.append(RoundCount(number, base, tuple(counted), result, pair))
    return ElectionCount(election, tuple(rounds))


def _as_poll(sheet: TallySheet, poll: str) -> TallySheet:
    """A re-vote's sheet counted within its round (its poll key becomes the round's)."""
    return sheet if sheet.poll == poll else TallySheet(
        poll, sheet.precinct, sheet.registered, sheet.ballots_cast, sheet.votes, sheet.blank,
        sheet.invalid)


def runoff_pair(election: Election, result: Result) -> tuple[str, ...]:
    """Ask the two-round rule (the counting engine) whether someone passed; else the pair."""
    names = [c.name for c in result.candidates]
    ballots = [[i] for i in range(len(names))] + [[EMPTY]]
    counts = [c.votes for c in result.candidates] + [result.blank + result.invalid]
    profile = Profile.from_ballots(names, ballots, counts)
    outcome = get_method("two-round").count(profile, 1, dict(election.rules))
    if outcome.winners:
        return ()
    return tuple(outcome.extras.get("runoff", ()))


def current_result(uow: UnitOfWork, slug: str) -> dict[str, Any]:
    return count_election(uow, slug).to_dict()


def record_version(uow: UnitOfWork, slug: str, reason: str, at: datetime,
                   force: bool = False) -> int | None:
    """Store a new immutable version when the figures changed (or when forced)."""
    result = current_result(uow, slug)
    versions = uow.versions.all(slug)
    if versions and not force:
        last = versions[-1][3]
        if _figures(last) == _figures(result):
            return None
    if not versions and not force and result["precincts"]["reporting"] == 0:
        return None
    number = (versions[-1][0] if versions else 0) + 1
    uow.versions.add(slug, number, at, reason, result)
    return number


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in VERSION_KEYS_IGNORED}
