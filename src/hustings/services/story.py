"""What happened in an election, in order, derived from its record: the result versions (with
the precinct changes each one stored), the polls, the disputes and their rulings, and the
certifications. Nothing here is written per election; the web renders the steps in words.

For the 2001 demo the steps read: 4 September, Burg ahead by 1,088 -> dispute filed -> ruling
voided 4 precincts -> re-vote 26 December -> Ben-Eliezer elected 32,910 to 30,367.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from hustings.domain.audit import utc_iso
from hustings.domain.disputes import Decision
from hustings.domain.errors import NotFound
from hustings.domain.polling import Poll, PollKind
from hustings.services.count import CERTIFIED_ON, CHANGES, folded_precincts
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.results import published_version

VOIDING = (Decision.RECOUNT, Decision.VOID_AND_REVOTE, Decision.VOID_POLL)


@dataclass(frozen=True)
class Standing:
    """The first two candidates of a count and who leads (None when tied or empty)."""

    leader: str | None
    leader_votes: int
    second: str | None
    second_votes: int
    margin: int
    reporting: int
    total: int

    @classmethod
    def of(cls, figures: dict[str, Any]) -> Standing:
        ranked: list[dict[str, Any]] = list(figures.get("candidates", []))
        names = [c["name"] for c in ranked[:2]] + [None, None]
        votes = [int(c["votes"]) for c in ranked[:2]] + [0, 0]
        tied = votes[0] == votes[1]
        return cls(None if tied else names[0], votes[0], names[1], votes[1],
                   votes[0] - votes[1], figures["precincts"]["reporting"],
                   figures["precincts"]["total"])


@dataclass(frozen=True)
class VersionPoint:
    """One result version, for the timeline of versions."""

    number: int
    created_at: str
    reason: str
    kind: str  # "returns", "partial" (some precincts of a poll still out), "ruling", "certified"
    standing: Standing
    winners: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """One thing that happened. `kind`: "poll" (a poll's returns all in), "revote",
    "certified", "dispute", "ruling" or "now" (the count as it stands, precincts still out)."""

    kind: str
    day: date | None
    versions: tuple[int, ...] = ()
    poll: str | None = None
    poll_kind: str | None = None  # "initial", "runoff", "revote"
    standing: Standing | None = None
    winners: tuple[str, ...] = ()
    certified: date | None = None  # a poll step whose figures were certified as they stood
    final: bool = False  # the election's certified outcome
    runoff: tuple[str, ...] = ()
    dispute: int | None = None
    decision: str | None = None
    precincts: tuple[str, ...] = ()
    revote_day: date | None = None
    filed_by: str | None = None
    rank: float = field(default=0.0, compare=False)


@dataclass(frozen=True)
class Story:
    slug: str
    steps: tuple[Step, ...]
    versions: tuple[VersionPoint, ...]


def certified_day(reason: str) -> date | None:
    if reason.startswith(CERTIFIED_ON):
        try:
            return date.fromisoformat(reason[len(CERTIFIED_ON):len(CERTIFIED_ON) + 10])
        except ValueError:
            return None
    return None


def _round_figures(result: dict[str, Any], round_poll: str) -> dict[str, Any]:
    """A round's figures within a stored result (`polls` lists them when there are several)."""
    for p in result.get("polls", ()):
        if p["poll"] == round_poll:
            return dict(p)
    return result


def election_story(uow_factory: UnitOfWorkFactory, slug: str) -> Story:
    """The steps of `slug`'s story, oldest first. NotFound when there is no such election."""
    with uow_factory() as uow:
        uow.elections.get(slug)
        stored = uow.versions.all(slug)
        polls = {p.key: p for p in uow.polls.all(slug)}
        disputes = uow.disputes.all(slug)
    return build_story(slug, stored, polls, disputes)


def build_story(slug: str, stored: list[tuple[int, datetime, str, dict[str, Any]]],
                polls: dict[str, Poll], disputes: list[Any]) -> Story:
    steps: list[Step] = []
    points: list[VersionPoint] = []
    complete: set[str] = set()  # rounds whose precincts had all reported at the last version
    state: dict[str, dict[str, Any]] = {}
    ruling_versions: dict[int, int] = {}
    for number, at, reason, result in stored:
        changes = result.get(CHANGES, [])
        state = folded_precincts([result], state)  # the returns counted at this version
        standing = Standing.of(result)
        winners = tuple(result.get("winners") or ([result["winner"]] if result.get("winner")
                                                  else []))
        day = certified_day(reason)
        if day is not None and result.get("status") == "certified":
            points.append(VersionPoint(number, utc_iso(at), reason, "certified", standing,
                                       winners))
            steps.append(Step("certified", day, (number,), standing=standing, winners=winners,
                              rank=number))
            continue
        if reason.startswith("ruling on dispute "):
            head = reason[len("ruling on dispute "):].split(" ", 1)[0]
            if head.isdigit():
                ruling_versions[int(head)] = number
            points.append(VersionPoint(number, utc_iso(at), reason, "ruling", standing, winners))
            complete = {r for r in complete if _round_done(r, polls, state)}
            continue
        kind = "partial"
        for round_key in dict.fromkeys(c["round"] for c in changes):
            if round_key in complete or not _round_done(round_key, polls, state):
                continue
            complete.add(round_key)
            kind = "returns"
            came = [c["after"]["poll"] for c in changes
                    if c["round"] == round_key and c["after"] is not None]
            poll = polls.get(came[-1] if came else round_key) or polls.get(round_key)
            figures = _round_figures(result, round_key)
            round_standing = Standing.of(figures)
            if poll is not None and poll.kind is PollKind.REVOTE:
                steps.append(Step("revote", poll.day, (number,), poll.key, poll.kind.value,
                                  rank=number))
            else:
                steps.append(Step("poll", poll.day if poll else None, (number,),
                                  poll.key if poll else round_key,
                                  poll.kind.value if poll else None, round_standing,
                                  runoff=tuple(figures.get("runoff", ())), rank=number))
        points.append(VersionPoint(number, utc_iso(at), reason, kind, standing, winners))
    last_rank = float(len(stored) + 1)
    for dispute, ruling in disputes:
        ruled_in = ruling_versions.get(dispute.number)
        steps.append(Step("dispute", dispute.filed_at.date(), dispute=dispute.number,
                          poll=dispute.poll, precincts=tuple(dispute.precincts),
                          filed_by=dispute.filed_by,
                          rank=(ruled_in - 0.5) if ruled_in is not None else last_rank))
        if ruling is not None:
            steps.append(Step("ruling", ruling.ruled_at.date(),
                              (ruled_in,) if ruled_in is not None else (),
                              dispute=dispute.number, decision=ruling.decision.value,
                              precincts=tuple(ruling.precincts), revote_day=ruling.revote_day,
                              rank=ruled_in if ruled_in is not None else last_rank))
    reported = {s.poll for s in steps if s.kind == "revote"}
    for poll in polls.values():  # a re-vote ordered whose returns are not all in yet
        if poll.kind is PollKind.REVOTE and poll.key not in reported:
            steps.append(Step("revote", poll.day, (), poll.key, poll.kind.value,
                              rank=last_rank + 1))
    steps.sort(key=lambda s: (s.day or date.max, s.rank))
    steps = _merge_certifications(steps, stored[-1][0] if stored else None)
    if points and points[-1].kind == "partial":
        latest = points[-1]
        steps.append(Step("now", None, (latest.number,), standing=latest.standing,
                          rank=last_rank + 2))
    return Story(slug, tuple(steps), tuple(points))


def _round_done(round_key: str, polls: dict[str, Poll], state: dict[str, Any]) -> bool:
    poll = polls.get(round_key)
    if poll is None:
        return False
    return all(f"{round_key}/{code}" in state for code in poll.precincts)


def _merge_certifications(steps: list[Step], newest: int | None) -> list[Step]:
    """A certification of the figures a poll step just gave is told with that step; the
    newest certification is the final outcome, unless a version followed it (a ruling)."""
    last_cert = max((i for i, s in enumerate(steps) if s.kind == "certified"
                     and s.versions and s.versions[-1] == newest), default=None)
    out: list[Step] = []
    for i, step in enumerate(steps):
        if step.kind != "certified":
            out.append(step)
            continue
        final = i == last_cert
        previous = out[-1] if out else None
        if previous is not None and previous.kind == "poll" and previous.standing is not None \
                and step.standing is not None \
                and (previous.standing.leader, previous.standing.margin) == (
                    step.standing.leader, step.standing.margin):
            out[-1] = replace(previous, certified=step.day, final=final, winners=step.winners,
                              versions=previous.versions + step.versions)
        else:
            out.append(replace(step, final=final))
    return out


def version_changes(uow_factory: UnitOfWorkFactory, slug: str,
                    number: int) -> tuple[dict[str, Any], dict[str, Any] | None,
                                          list[dict[str, Any]]]:
    """Version `number` (published form), the version before it (or None) and the precinct
    changes it stored. NotFound when there is no such version."""
    with uow_factory() as uow:
        uow.elections.get(slug)
        stored = uow.versions.all(slug)
    found = [i for i, v in enumerate(stored) if v[0] == number]
    if not found:
        raise NotFound(f"{slug!r} has no result version {number}"
                       + (f" (versions 1–{len(stored)})" if stored else
                          " (no versions yet)"))
    i = found[0]

    return (published_version(stored[i]),
            published_version(stored[i - 1]) if i > 0 else None,
            list(stored[i][3].get(CHANGES, [])))


def candidate_deltas(current: dict[str, Any], previous: dict[str, Any] | None
                     ) -> list[dict[str, Any]]:
    """Per candidate: votes in this version, in the previous one, and the change."""
    before = {c["name"]: c["votes"] for c in (previous or {}).get("candidates", [])}
    rows = []
    for c in current.get("candidates", []):
        was = before.get(c["name"], 0)
        rows.append({"name": c["name"], "votes": c["votes"], "percentage": c["percentage"],
                     "previous": was, "delta": c["votes"] - was})
    return rows


@dataclass(frozen=True)
class PrecinctNote:
    """Why a precinct's figures are not simply its first poll's: `status` is "re-voted" (the
    figures come from a re-vote) or "voided" (its return was voided and nothing replaces it
    yet)."""

    code: str
    status: str
    poll: str  # the poll whose figures count, or the voided one
    day: date | None  # the re-vote's day, or the ruling's
    dispute: int | None  # the dispute whose ruling voided the return


def precinct_notes(polls: dict[str, Poll], disputes: list[Any],
                   counted: dict[str, str]) -> dict[str, PrecinctNote]:
    """Notes for re-voted and voided precincts. `counted`: precinct code -> the poll whose
    return counts now (precincts without one are left out)."""
    voided: dict[str, tuple[int, date, str]] = {}
    for dispute, ruling in disputes:
        if ruling is not None and ruling.decision in VOIDING:
            for code in ruling.precincts:
                voided[code] = (dispute.number, ruling.ruled_at.date(), dispute.poll)
    notes: dict[str, PrecinctNote] = {}
    for code, (number, day, poll) in voided.items():
        if code not in counted:
            notes[code] = PrecinctNote(code, "voided", poll, day, number)
    for code, key in counted.items():
        revote = polls.get(key)
        if revote is not None and revote.kind is PollKind.REVOTE:
            notes[code] = PrecinctNote(code, "re-voted", key, revote.day,
                                       voided[code][0] if code in voided else None)
    return notes
