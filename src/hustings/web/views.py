"""View models for the pages: plain data shaped for templates, built from service results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.numbers import format_decimal
from fastapi import Request
from markupsafe import Markup

from hustings.domain.election import Election, ElectionStatus
from hustings.domain.polling import Precinct
from hustings.domain.results import Result
from hustings.reports.charts import Bar, bar_chart
from hustings.services.web_queries import DefinitionNames, ElectionFacts, definition_names
from hustings.web import deps

UPCOMING = (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS, ElectionStatus.VOTING)
DECIDED = (ElectionStatus.PROVISIONAL, ElectionStatus.CERTIFIED)


def names(request: Request, slugs: list[str]) -> dict[str, DefinitionNames]:
    """Organisation/office/body names per election, cached: definitions never change."""
    cache: dict[str, DefinitionNames] = request.app.state.names_cache
    if any(slug not in cache for slug in slugs):
        cache.update(definition_names(deps.uow(request), frozenset(cache)))
    return {slug: cache[slug] for slug in slugs if slug in cache}


@dataclass(frozen=True)
class Listing:
    """One organisation's elections, coming and past, for the home page."""

    organisation: str
    upcoming: list[Election]
    past: list[Election]


def listings(elections: list[Election], named: dict[str, DefinitionNames]) -> list[Listing]:
    groups: dict[str, list[Election]] = {}
    for e in elections:
        label = named[e.slug].organisation if e.slug in named else e.organisation
        groups.setdefault(label, []).append(e)

    def day(e: Election) -> date:
        return e.timetable.polling_day or date.min

    return [Listing(org, sorted((e for e in group if e.status in UPCOMING), key=day),
                    sorted((e for e in group if e.status not in UPCOMING), key=day, reverse=True))
            for org, group in sorted(groups.items())]


def chart(result: Result, locale: str, _: Callable[[str], str], id_prefix: str) -> Markup:
    """The result's bar chart; the leader is marked 'winner' once decided, else 'leading'."""
    decided = result.status in {s.value for s in DECIDED}
    bars = []
    for i, c in enumerate(result.candidates):
        lead = i == 0 and result.winner is not None
        note = (_("winner") if decided else _("leading")) if lead else ""
        figures = f"{format_decimal(c.votes, locale=locale)} ({c.percentage}%)"
        bars.append(Bar(c.name, c.votes, figures, lead, note))
    base = _("valid votes") if result.percentage_base.value == "valid" else _("ballots cast")
    description = _("Horizontal bars, longest first; percentages of %(base)s.") % {"base": base}
    return bar_chart(bars, _("Votes by candidate"), description, id_prefix)


def waiting(facts: ElectionFacts, result: Result) -> list[Precinct]:
    """The precincts that have not reported to `result` yet, in the election's order."""
    reported = {p.code for p in result.precincts}
    return [p for p in facts.precincts if p.code not in reported]
