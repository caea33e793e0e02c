"""Pydantic models of the JSON API: the boundary only; handlers convert from domain objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from hustings.domain.disputes import Decision, Dispute, Ruling
from hustings.domain.election import Election, ElectionStatus
from hustings.domain.polling import Poll
from hustings.domain.record import Tenure
from hustings.services.web_queries import ElectionFacts


class ProblemOut(BaseModel):
    source: str | None
    line: int | None
    field: str | None
    message: str


class ErrorDetail(BaseModel):
    code: str = Field(description="invalid_input, not_found, already_exists, rule_violation, "
                      "unauthenticated, forbidden, csrf_failed, too_many_requests, ...")
    message: str
    problems: list[ProblemOut]


class ErrorOut(BaseModel):
    """Every 4xx answer of the API has this shape."""

    error: ErrorDetail


class ElectionSummary(BaseModel):
    slug: str
    title: str
    organisation: str
    office: str
    body: str
    kind: str
    status: str
    method: str
    seats: int
    polling_day: date | None

    @classmethod
    def of(cls, e: Election) -> ElectionSummary:
        return cls(slug=e.slug, title=e.title, organisation=e.organisation, office=e.office,
                   body=e.body, kind=e.kind.value, status=e.status.value, method=e.method,
                   seats=e.seats, polling_day=e.timetable.polling_day)


class CandidateOut(BaseModel):
    key: str
    name: str
    ballot_name: str
    biography: str
    status: str


class TimetableOut(BaseModel):
    nominations_open: date | None
    nominations_close: date | None
    roll_cutoff: date | None
    polling_day: date | None
    runoff_day: date | None


class PrecinctOut(BaseModel):
    code: str
    name: str
    registered: int | None = Field(description="voters on the frozen roll; null before freezing")


class PollOut(BaseModel):
    key: str
    day: date
    kind: str
    precincts: list[str]

    @classmethod
    def of(cls, p: Poll) -> PollOut:
        return cls(key=p.key, day=p.day, kind=p.kind.value, precincts=list(p.precincts))


class ElectionDetail(ElectionSummary):
    percentage_base: str
    timetable: TimetableOut
    candidates: list[CandidateOut]
    precincts: list[PrecinctOut]
    polls: list[PollOut]
    roll_frozen: bool
    roll_size: int

    @classmethod
    def of_facts(cls, facts: ElectionFacts) -> ElectionDetail:
        e = facts.election
        t = e.timetable
        return cls(
            **ElectionSummary.of(e).model_dump(),
            percentage_base=e.percentage_base.value,
            timetable=TimetableOut(nominations_open=t.nominations_open,
                                   nominations_close=t.nominations_close,
                                   roll_cutoff=t.roll_cutoff, polling_day=t.polling_day,
                                   runoff_day=t.runoff_day),
            candidates=[CandidateOut(key=c.key, name=c.name, ballot_name=c.ballot_name,
                                     biography=c.biography, status=c.status.value)
                        for c in e.candidates],
            precincts=[PrecinctOut(code=p.code, name=p.name,
                                   registered=facts.roll.get(p.code) if facts.roll_frozen
                                   else None) for p in facts.precincts],
            polls=[PollOut.of(p) for p in facts.polls],
            roll_frozen=facts.roll_frozen, roll_size=facts.roll_size,
        )


class PrecinctsReporting(BaseModel):
    reporting: int
    total: int


class CandidateResultOut(BaseModel):
    name: str
    votes: int
    percentage: str = Field(description="two decimals, half up, over `percentage_base`")


class ResultOut(BaseModel):
    """Exactly `hustings results --format json` (docs/cli.md)."""

    election: str
    status: str
    registered: int
    ballots_cast: int
    valid: int
    blank: int
    invalid: int
    turnout: str
    percentage_base: str
    precincts: PrecinctsReporting
    candidates: list[CandidateResultOut]
    winner: str | None
    margin: int


class SignIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    code: str | None = Field(default=None, max_length=20,
                             description="the second factor's 6-digit code (users enrolled)")


class SessionOut(BaseModel):
    username: str | None
    role: str | None
    csrf_token: str = Field(description="send it back in the X-CSRF-Token header")


class TallySheetIn(BaseModel):
    """One precinct's sheet; `votes` maps every candidate's key to its votes."""

    precinct: str = Field(min_length=1, max_length=100)
    registered: int
    ballots_cast: int
    votes: dict[str, int]
    blank: int = 0
    invalid: int = 0
    poll: str = "initial"


class Imported(BaseModel):
    imported: int


class TallyEntered(BaseModel):
    """Where the precinct's sheet stands after this entry, as the tally service said."""

    poll: str
    precinct: str
    status: str = Field(description="`accepted`, `awaiting second entry` or `mismatch`")


class Stored(BaseModel):
    """Sheets stored by an import, and where the poll's precincts stand now."""

    stored: int
    accepted: int
    awaiting: int = Field(description="precincts awaiting a second clerk's entry")
    mismatch: int = Field(description="precincts whose two entries disagree")


class FrozenRollOut(BaseModel):
    election: str
    size: int
    by_precinct: dict[str, int]


class RoundOut(BaseModel):
    round: int
    poll: str
    day: date
    registered: int
    ballots_cast: int
    valid: int
    blank: int
    invalid: int
    turnout: str
    percentage_base: str
    precincts: PrecinctsReporting
    candidates: list[CandidateResultOut]
    winner: str | None
    margin: int
    runoff: list[str] | None = None


class CountRoundOut(BaseModel):
    """One round of the counting engine: exactly `hustings count --format json`'s."""

    round: int
    tallies: dict[str, str] = Field(description="candidate -> votes (decimal string)")
    elected: list[str]
    eliminated: list[str]
    exhausted: str
    threshold: str | None
    transfers: dict[str, dict[str, str]] = Field(description="from -> to -> amount")
    explanation: list[str]


class TieOut(BaseModel):
    round: int
    between: list[str]
    broken_by: str = Field(description='e.g. "lot drawn with seed 42"')
    chosen: str
    purpose: str


class SectionOut(BaseModel):
    """An electoral college's section: its electorate and first-round figures."""

    key: str
    name: str
    weight: str = Field(description='a fraction, e.g. "1/3"')
    registered: int
    ballots_cast: int
    tallies: dict[str, int]


class PollFiguresOut(RoundOut):
    next_ballot: list[str] | None = None


class PublishedResultOut(ResultOut):
    """A published result version: `hustings results SLUG --format json`."""

    version: int = Field(description="0 before any precinct reports")
    reason: str = Field(description="why this version was recorded")
    created_at: str | None = Field(None, description="UTC, ISO 8601; absent for version 0")
    method: str = Field(description="the counting rule")
    seats: int
    returns: str = Field(description='"sheets" or "ballots"')
    winners: list[str] = Field(description="in order of election; empty while undecided")
    rounds: list[CountRoundOut] = Field(description="the counting engine's rounds")
    ties: list[TieOut] = Field(description="every tie the rule broke, and how")
    polls: list[PollFiguresOut] | None = Field(None, description="every poll, when several")
    sections: list[SectionOut] | None = Field(None, description="an electoral college's")


class BallotsImported(BaseModel):
    """What one ballot import stored, and where each precinct stands after it."""

    poll: str
    ballots: dict[str, int] = Field(description="precinct -> ballots stored")
    status: dict[str, str] = Field(
        description='precinct -> "accepted", "awaiting second entry" or "mismatch"')


class CheckpointOut(BaseModel):
    """A signed checkpoint of the log (docs/integrity.md)."""

    size: int
    root: str
    time: str
    signer: str
    public_key: str
    signature: str
    text: str


class LogRef(BaseModel):
    """The log's Merkle tree (size, root) when the version was made."""

    size: int
    root: str


class VersionOut(BaseModel):
    version: int
    created_at: str
    reason: str
    winner: str | None
    log: LogRef | None = None


class CandidateDeltaOut(BaseModel):
    name: str
    votes: int = Field(description="votes in this version")
    percentage: str
    previous: int = Field(description="votes in the version before (0 for the first)")
    delta: int = Field(description="votes - previous")


class PrecinctFiguresOut(BaseModel):
    round: str = Field(description="the round's base poll")
    precinct: str
    name: str
    poll: str = Field(description="the poll whose return counts (a re-vote's when re-voted)")
    registered: int
    ballots_cast: int
    votes: dict[str, int] = Field(description="candidate key -> votes")
    blank: int
    invalid: int


class PrecinctChangeOut(BaseModel):
    round: str
    precinct: str
    name: str
    change: str = Field(description='"reported", "voided", "re-voted" or "corrected"')
    before: PrecinctFiguresOut | None = Field(description="null when nothing was counted")
    after: PrecinctFiguresOut | None = Field(description="null when voided")


class VersionChangesOut(BaseModel):
    version: int
    previous: int | None = Field(description="the version before, null for the first")
    reason: str
    created_at: str
    candidates: list[CandidateDeltaOut]
    precincts: list[PrecinctChangeOut] = Field(
        description="the precincts whose counted return this version changed")
    result: dict[str, Any] = Field(
        description="this version's published result, as `results?version=N` gives it")


class EvidenceOut(BaseModel):
    name: str
    sha256: str


class RulingOut(BaseModel):
    dispute: int
    ruled_by: str
    ruled_at: datetime
    decision: str
    precincts: list[str]
    reasons: str
    revote_poll: str | None

    @classmethod
    def of(cls, r: Ruling) -> RulingOut:
        return cls(dispute=r.dispute, ruled_by=r.ruled_by, ruled_at=r.ruled_at,
                   decision=r.decision.value, precincts=list(r.precincts), reasons=r.reasons,
                   revote_poll=r.revote_poll)


class DisputeOut(BaseModel):
    number: int
    filed_by: str
    filed_at: datetime
    poll: str
    precincts: list[str] = Field(description="empty: the whole poll")
    complaint: str
    evidence: list[EvidenceOut]
    ruling: RulingOut | None

    @classmethod
    def of(cls, d: Dispute, r: Ruling | None) -> DisputeOut:
        return cls(number=d.number, filed_by=d.filed_by, filed_at=d.filed_at, poll=d.poll,
                   precincts=list(d.precincts), complaint=d.complaint,
                   evidence=[EvidenceOut(name=e.name, sha256=e.sha256) for e in d.evidence],
                   ruling=RulingOut.of(r) if r else None)


class DisputeIn(BaseModel):
    """A dispute without evidence; send multipart/form-data to attach evidence files."""

    poll: str = Field("initial", min_length=1, max_length=100)
    precincts: list[str] = Field(default_factory=list, description="empty: the whole poll")
    complaint: str = Field(min_length=1, max_length=20_000)


class RulingIn(BaseModel):
    decision: Decision
    reasons: str = Field(min_length=1, max_length=20_000)
    precincts: list[str] | None = Field(None, description="default: the dispute's precincts")
    revote_day: date | None = Field(None, description="required to void and re-vote")
    on: date | None = Field(None, description="the day of the ruling; default today")


class StatusIn(BaseModel):
    status: ElectionStatus = Field(description="the next step; `certified` certifies")
    on: date | None = Field(None, description="day of certification; default today")


class StatusOut(BaseModel):
    election: str
    status: str


class TenureOut(BaseModel):
    office: str
    holder: str | None = Field(description="null for a vacancy")
    kind: str
    start: date | None
    end: date | None = Field(description="null while in office")
    election: str | None

    @classmethod
    def of(cls, t: Tenure) -> TenureOut:
        return cls(office=t.office, holder=t.holder, kind=t.kind.value, start=t.start,
                   end=t.end, election=t.election)


class OfficeHistoryOut(BaseModel):
    organisation: str
    office: str
    tenures: list[TenureOut]


class CandidacyOut(BaseModel):
    election: str
    title: str
    run: bool = Field(description="true: hustings ran it; false: imported from the record")
    votes: str | None = Field(description="as published (imported records keep '35,945')")
    percentage: str | None
    outcome: str = Field(description="won, lost or pending")


class PersonOut(BaseModel):
    name: str
    elections: list[CandidacyOut]
    offices: list[TenureOut]
