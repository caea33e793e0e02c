"""Pydantic models of the JSON API: the boundary only; handlers convert from domain objects."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from hustings.domain.election import Election
from hustings.domain.polling import Poll
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


class Accepted(BaseModel):
    accepted: int


class FrozenRollOut(BaseModel):
    election: str
    size: int
    by_precinct: dict[str, int]
