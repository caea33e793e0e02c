"""View models for the pages: plain data shaped for templates, built from service results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import Request
from markupsafe import Markup

from hustings.domain.election import Election, ElectionStatus
from hustings.domain.polling import Precinct
from hustings.domain.record import Tenure, compositions
from hustings.domain.results import Result
from hustings.reports.charts import Bar, bar_chart
from hustings.reports.flow import FlowRound, flow_chart
from hustings.reports.timeline import Span
from hustings.reports.versions_chart import VersionMark, versions_chart
from hustings.services.story import Story
from hustings.services.web_queries import (
    DefinitionNames,
    ElectionFacts,
    RoundFigures,
    definition_names,
)
from hustings.web import deps

UPCOMING = (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS, ElectionStatus.VOTING)
DECIDED = (ElectionStatus.PROVISIONAL, ElectionStatus.CERTIFIED)


def names(request: Request, slugs: list[str]) -> dict[str, DefinitionNames]:
    """Organisation/office/body names per election, cached: definitions never change."""
    cache: dict[str, DefinitionNames] = request.app.state.names_cache
    if any(slug not in cache for slug in slugs):
        cache.update(definition_names(deps.uow(request), frozenset(cache)))
    return {slug: cache[slug] for slug in slugs if slug in cache}


def local_context(named: DefinitionNames | None, locale: str,
                  election: Election) -> dict[str, Any]:
    """What a page needs to show an election's names in the reader's language: `title`,
    `shown_names` (a candidate's name -> as shown, for the `who` filter), `bios` (key ->
    biography); the definition's own text where it gave none for this language."""
    local = named.local(locale) if named is not None else None
    shown, bios = {}, {}
    for c in election.candidates:
        name, bio = local.candidates.get(c.key, ("", "")) if local else ("", "")
        shown[c.name] = name or c.name
        bios[c.key] = bio or c.biography
    return {"title": (local.title if local else "") or election.title,
            "shown_names": shown, "bios": bios,
            "organisation_name": (local.organisation if local else "")
            or (named.organisation if named else election.organisation),
            "office_name": (local.office if local else "")
            or (named.office if named else election.office),
            "body_name": (local.body if local else "") or (named.body if named else election.body)}


def people_names(named: dict[str, DefinitionNames], locale: str) -> dict[str, str]:
    """A person's name -> as the reader's language writes it, from every definition that
    gives one (for pages about people across elections: history, person, home)."""
    found: dict[str, str] = {}
    for names in named.values():
        found.update(names.local(locale).people)
    return found


def office_names(named: dict[str, DefinitionNames], locale: str) -> dict[str, str]:
    """An office's name (and slug) -> as the reader's language writes it, where given."""
    found: dict[str, str] = {}
    for names in named.values():
        local = names.local(locale).office
        if local:
            found[names.office] = local
    return found


def local_titles(elections: list[Election], named: dict[str, DefinitionNames],
                 locale: str) -> dict[str, str]:
    """Election slug -> its title in the reader's language (where the definition gave one)."""
    return {e.slug: named[e.slug].local(locale).title or e.title if e.slug in named
            else e.title for e in elections}


@dataclass(frozen=True)
class Listing:
    """One organisation's elections, coming and past, for the home page."""

    organisation: str
    upcoming: list[Election]
    past: list[Election]


def listings(elections: list[Election], named: dict[str, DefinitionNames],
             locale: str = "en") -> list[Listing]:
    groups: dict[str, list[Election]] = {}
    for e in elections:
        label = (named[e.slug].local(locale).organisation or named[e.slug].organisation) \
            if e.slug in named else e.organisation
        groups.setdefault(label, []).append(e)

    def day(e: Election) -> date:
        return e.timetable.polling_day or date.min

    return [Listing(org, sorted((e for e in group if e.status in UPCOMING), key=day),
                    sorted((e for e in group if e.status not in UPCOMING), key=day, reverse=True))
            for org, group in sorted(groups.items())]


def chart(result: Published, locale: str, _: Callable[[str], str],
          id_prefix: str, shown: dict[str, str] | None = None, rtl: bool = False) -> Markup:
    """The result's bar chart; the leader is marked 'winner' once decided, else 'leading'."""
    decided = result.status in {s.value for s in DECIDED}
    bars = []
    for c in result.candidates:
        lead = c.name in result.winners  # the rule's winners, not the first-preference leader
        note = (_("winner") if decided else _("leading")) if lead else ""
        figures = f"{format_decimal(c.votes, locale=locale)} ({c.percentage}%)"
        bars.append(Bar((shown or {}).get(c.name, c.name), c.votes, figures, lead, note))
    base = _("valid votes") if result.percentage_base == "valid" else _("ballots cast")
    description = _("Horizontal bars, longest first; percentages of %(base)s.") % {"base": base}
    return bar_chart(bars, _("Votes by candidate"), description, id_prefix, rtl=rtl)


def waiting(facts: ElectionFacts, result: Result) -> list[Precinct]:
    """The precincts that have not reported to `result` yet, in the election's order."""
    reported = {p.code for p in result.precincts}
    return [p for p in facts.precincts if p.code not in reported]


@dataclass(frozen=True)
class PublishedCandidate:
    name: str
    votes: int
    percentage: str


@dataclass(frozen=True)
class CountRound:
    """One round of the counting engine, as published (tallies are decimal strings)."""

    number: int
    tallies: dict[str, str]
    elected: tuple[str, ...]
    eliminated: tuple[str, ...]
    exhausted: str
    threshold: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class CountSection:
    key: str
    name: str
    weight: str
    registered: int
    ballots_cast: int
    tallies: dict[str, int]


@dataclass(frozen=True)
class Published:
    """A published result version (`services.results.published_result`) shaped for templates."""

    election: str
    status: str
    registered: int
    ballots_cast: int
    valid: int
    blank: int
    invalid: int
    turnout: str
    percentage_base: str
    precincts_reporting: int
    precincts_total: int
    candidates: tuple[PublishedCandidate, ...]
    winner: str | None
    margin: int
    version: int
    reason: str
    created_at: str | None
    method: str = "plurality"
    seats: int = 1
    returns: str = "sheets"
    winners: tuple[str, ...] = ()
    rounds: tuple[CountRound, ...] = ()
    ties: tuple[dict[str, Any], ...] = ()
    sections: tuple[CountSection, ...] = ()

    @property
    def by_rounds(self) -> bool:
        """Whether the rule's own rounds tell more than the vote table (ranked or multi-seat
        counts, colleges)."""
        return len(self.rounds) > 1 or self.seats > 1 or self.returns == "ballots" \
            or bool(self.sections)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Published:
        return cls(
            election=data["election"], status=data["status"], registered=data["registered"],
            ballots_cast=data["ballots_cast"], valid=data["valid"], blank=data["blank"],
            invalid=data["invalid"], turnout=data["turnout"],
            percentage_base=data["percentage_base"],
            precincts_reporting=data["precincts"]["reporting"],
            precincts_total=data["precincts"]["total"],
            candidates=tuple(PublishedCandidate(c["name"], c["votes"], c["percentage"])
                             for c in data["candidates"]),
            winner=data.get("winner"), margin=data.get("margin", 0),
            version=data.get("version", 0), reason=data.get("reason", ""),
            created_at=data.get("created_at"), method=data.get("method", "plurality"),
            seats=data.get("seats", 1), returns=data.get("returns", "sheets"),
            winners=tuple(data.get("winners") or ([data["winner"]] if data.get("winner")
                                                  else [])),
            rounds=tuple(CountRound(r["round"], dict(r["tallies"]), tuple(r["elected"]),
                                    tuple(r["eliminated"]), r["exhausted"], r["threshold"],
                                    tuple(r.get("explanation", ())))
                         for r in data.get("rounds", [])),
            ties=tuple(data.get("ties", [])),
            sections=tuple(CountSection(s["key"], s["name"], s["weight"], s["registered"],
                                        s["ballots_cast"], dict(s["tallies"]))
                           for s in data.get("sections", [])))

    @property
    def decided(self) -> bool:
        return self.status in {s.value for s in DECIDED}


def round_flow(rounds: Sequence[RoundFigures], locale: str, _: Callable[[str], str],
               id_prefix: str, shown: dict[str, str] | None = None) -> Markup:
    """The rounds of a poll-based count (initial vote, runoff) as a flow chart."""
    flow = [FlowRound(_("Round %(n)s: %(poll)s") % {"n": r.number, "poll": r.poll.key},
                      {(shown or {}).get(c.name, c.name): c.votes for c in r.result.candidates})
            for r in rounds]
    return flow_chart(
        flow, _("Votes by candidate, round by round"),
        _("Each column is a round; a band joins a candidate's votes in one round to the next. "
          "A runoff is a new vote, so individual ballots are not traced between rounds."),
        lambda n: format_decimal(n if isinstance(n, int) else float(n), locale=locale),
        _("exhausted"), id_prefix)


def history_spans(tenures: Sequence[Tenure], locale: str, _: Callable[[str], str],
                  today: date, shown: dict[str, str] | None = None,
                  rtl: bool = False) -> list[Span]:
    """Tenures and the vacancies between them as timeline rows, oldest first.

    For a right-to-left page each label and date range is a right-to-left isolate (U+2067 …
    U+2069): the timeline is drawn left to right in every language, and this keeps a Hebrew
    date range such as "4 בספט׳ 2001 – 26 בדצמ׳ 2001" in reading order inside it."""
    kinds = {"elected": _("elected"), "interim": _("interim"), "acting": _("acting"),
             "vacant": _("vacant")}

    def day(d: date | None) -> str:
        return format_date(d, format="medium", locale=locale) if d else _("in office")

    spans: list[Span] = []
    previous_end: date | None = None
    for t in tenures:
        if t.start is None:
            continue
        if previous_end is not None and t.start > previous_end:
            spans.append(Span(_("Vacant"), previous_end, t.start, "vacant",
                              f"{day(previous_end)} – {day(t.start)}"))
        if t.holder is None or t.kind.value == "vacant":
            label = _("Vacant")
        elif t.kind.value == "elected":
            label = (shown or {}).get(t.holder, t.holder)
        else:
            label = f"{(shown or {}).get(t.holder, t.holder)} ({kinds[t.kind.value]})"
        spans.append(Span(label, t.start, t.end, t.kind.value, f"{day(t.start)} – {day(t.end)}",
                          t.holder))
        previous_end = t.end
    if rtl:
        return [replace(s, label=f"\u2067{s.label}\u2069", dates=f"\u2067{s.dates}\u2069")
                for s in spans]
    return spans


@dataclass(frozen=True)
class CommitteeRow:
    dates: str
    members: tuple[str, ...]
    elections: tuple[str, ...]


def committee_rows(tenures: Sequence[Tenure], locale: str) -> list[CommitteeRow]:
    """A committee's members between each change, for an office that seats several at once
    (empty for an office held by one at a time)."""
    found = compositions(tenures)
    if not any(len(c.members) > 1 for c in found):
        return []

    def day(d: date | None) -> str:
        return format_date(d, format="medium", locale=locale) if d else ""

    return [CommitteeRow(f"{day(c.start)} – {day(c.end)}", c.members, c.elections)
            for c in found]


def versions_figure(story: Story, locale: str, _: Callable[[str], str],
                    id_prefix: str, current: int | None = None) -> Markup | None:
    """The timeline of result versions, each mark a link to its page; None without versions."""
    if not story.versions:
        return None
    first = next((v.standing.leader for v in story.versions if v.standing.leader), None)
    marks = []
    for v in story.versions:
        leader = v.standing.leader
        tip = _("Version %(n)s: %(reason)s") % {"n": v.number, "reason": v.reason}
        if leader:
            tip += " — " + _("%(name)s leads by %(num)s") % {
                "name": leader, "num": format_decimal(v.standing.margin, locale=locale)}
        marks.append(VersionMark(v.number, v.kind, tip,
                                 f"/elections/{story.slug}/versions/{v.number}",
                                 leader is not None and leader != first,
                                 v.number == current))
    return versions_chart(
        marks, _("Result versions, oldest first"),
        _("One mark per version: circles for returns (hollow while precincts are still out), "
          "diamonds for rulings, squares for certifications; orange when the lead has changed "
          "hands. Each links to the version's page."), id_prefix)
