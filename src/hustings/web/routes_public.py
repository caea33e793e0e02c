"""Public pages: home, election, live results (SSE, polled panel as fallback), history,
people, downloads, API docs.

Anonymous answers of the busiest pages are kept in `app.state.page_cache`, keyed by the
database's last change (see `web.cache`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from hustings.domain.election import ElectionStatus
from hustings.domain.errors import NotFound
from hustings.formats.published_result import result_csv, result_json
from hustings.reports.precinct_csv import precinct_results_csv
from hustings.reports.timeline import timeline_chart
from hustings.services import checkpoints as checkpoint_service
from hustings.services import results as results_service
from hustings.services import story as story_service
from hustings.services.queries import list_elections
from hustings.services.web_queries import (
    ElectionStory,
    election_facts,
    election_story,
    last_change,
    office_holders,
    offices,
    person_record,
)
from hustings.web import deps, downloads, views
from hustings.web.cache import ChangeWatcher, current_stamp, serve_cached
from hustings.web.i18n import direction
from hustings.web.live import Broadcaster, stream
from hustings.web.templating import gettext_for, locale_of, render

router = APIRouter(include_in_schema=False)

PRECINCTS_SHOWN = 50  # rows of the election page's precinct table, before "every precinct"
PRECINCTS_PER_PAGE = 200  # rows of each page of /elections/SLUG/precincts
WAITING_SHOWN = 50  # precincts named in the live panel's "still to report"


@router.get("/log")
async def log_page(request: Request) -> Response:
    """The log's size and Merkle root now, and the latest signed checkpoint to keep."""
    return await serve_cached(request, "log", lambda: render(
        request, "log.html", checkpoint_service.public_view(deps.uow(request))))


@router.get("/")
async def home(request: Request) -> Response:
    """Each organisation's current office holders and its elections, coming and past."""
    return await serve_cached(request, "home", lambda: _home(request))


def _home(request: Request) -> Response:
    factory = deps.uow(request)
    elections = list_elections(factory)
    named = views.names(request, [e.slug for e in elections])
    labels = {(e.organisation, e.office): named[e.slug] for e in elections if e.slug in named}
    locale = locale_of(request)
    holders: dict[str, list[tuple[str, Any]]] = {}
    for organisation, office in offices(factory):
        label = labels.get((organisation, office))
        local = label.local(locale) if label else None
        current = [t for t in office_holders(factory, organisation, office)
                   if t.end is None and t.holder]
        if current and label and local:
            holders.setdefault(local.organisation or label.organisation, []).append(
                (local.office or label.office, current[-1]))
        elif current:
            holders.setdefault(organisation, []).append((office, current[-1]))
    return render(request, "home.html", {"listings": views.listings(elections, named, locale),
                                         "titles": views.local_titles(elections, named, locale),
                                         "shown_names": views.people_names(named, locale),
                                         "holders": holders})


def _live_context(request: Request, slug: str, chart_id: str) -> dict[str, Any]:
    """What the live panel needs: the published result and the precincts still out."""
    factory = deps.uow(request)
    story = election_story(factory, slug)
    published = views.Published.of(results_service.published_result(factory, slug))
    locale = locale_of(request)
    names = views.names(request, [slug]).get(slug)
    local = views.local_context(names, locale, story.facts.election)
    return {
        "facts": story.facts, "e": story.facts.election, "result": published,
        "names": names, **local,
        "waiting": views.waiting(story.facts, story.live), "story": story,
        "chart": views.chart(published, locale, gettext_for(request), chart_id,
                             local["shown_names"], direction(locale) == "rtl")
        if published.precincts_reporting else None,
        "decided": published.decided,
        "poll_seconds": deps.config(request).live_poll_seconds,
        "waiting_shown": WAITING_SHOWN,
    }


def _election_context(request: Request, slug: str) -> dict[str, Any]:
    context = _live_context(request, slug, "result-chart")
    story = context["story"]
    locale, _ = locale_of(request), gettext_for(request)
    multi = len(story.rounds) > 1 or any(r.runoff for r in story.rounds)
    precinct_names = {p.code: p.name for p in story.facts.precincts}
    told = story_service.election_story(deps.uow(request), slug)
    notes = _notes(story)
    return {
        **context,
        "told": told,
        "precinct_rows": _first_precincts(story.live.precincts, notes),
        "versions_chart": views.versions_figure(told, locale, _, "versions-chart"),
        "notes": notes,
        "versions": results_service.versions(deps.uow(request), slug),
        "rounds": story.rounds if multi else (),
        "flow": views.round_flow(story.rounds, locale, _, "round-flow", context["shown_names"])
        if multi and story.rounds[-1].result.precincts_reporting else None,
        "precinct_names": precinct_names,
        "downloads": downloads.FORMATS + (
            downloads.CERTIFIED_ONLY if story.facts.election.status is ElectionStatus.CERTIFIED
            else ()),
    }


def _first_precincts(precincts: Sequence[Any], notes: Mapping[str, Any]) -> list[Any] | None:
    """The election page's rows when there are too many to show them all: the first
    `PRECINCTS_SHOWN`, then every re-voted one (None: show them all)."""
    if len(precincts) <= PRECINCTS_SHOWN:
        return None
    return [p for i, p in enumerate(precincts) if i < PRECINCTS_SHOWN or p.code in notes]


@router.get("/elections/{slug}/precincts")
async def precincts_page(request: Request, slug: str, page: str = "1") -> Response:
    """Every precinct's figures, `PRECINCTS_PER_PAGE` to a page (the CSV has them all)."""
    return await serve_cached(request, f"precincts-page|{slug}|{page}",
                              lambda: _precincts_page(request, slug, page))


def _precincts_page(request: Request, slug: str, page: str) -> Response:
    story = election_story(deps.uow(request), slug)
    rows = story.live.precincts
    pages = max(1, -(-len(rows) // PRECINCTS_PER_PAGE))
    number = int(page) if page.isdigit() and len(page) < 10 else 0
    if not 1 <= number <= pages:
        raise NotFound(f"{slug!r} has no page {page!r} of precincts (pages 1–{pages})")
    first = (number - 1) * PRECINCTS_PER_PAGE
    shown = rows[first:first + PRECINCTS_PER_PAGE]
    names = views.names(request, [slug]).get(slug)
    return render(request, "precincts.html", {
        **views.local_context(names, locale_of(request), story.facts.election),
        "e": story.facts.election, "story": story, "notes": _notes(story),
        "precinct_names": {p.code: p.name for p in story.facts.precincts}, "rows": shown,
        "first": first + 1 if shown else 0, "last": first + len(shown), "total": len(rows),
        "page": number, "pages": pages, "last_page": number == pages})


def _notes(story: ElectionStory) -> dict[str, story_service.PrecinctNote]:
    """Re-voted and voided precincts of the count as it stands (the final round)."""
    polls = {p.key: p for p in story.facts.polls}
    counted = {p.code: p.poll for p in story.live.precincts}
    return story_service.precinct_notes(polls, list(story.disputes), counted)


@router.get("/elections/{slug}")
async def election(request: Request, slug: str) -> Response:
    return await serve_cached(request, f"election|{slug}", lambda: render(
        request, "election.html", _election_context(request, slug)))


@router.get("/elections/{slug}/versions/{number}")
async def version_page(request: Request, slug: str, number: str) -> Response:
    """One result version: its figures, the change from the version before and why."""
    return await serve_cached(request, f"version|{slug}|{number}",
                              lambda: render(request, "version.html",
                                             _version_context(request, slug, number)))


def _version_number(slug: str, number: str) -> int:
    if not number.isdigit() or len(number) > 9:
        raise NotFound(f"{slug!r} has no result version {number!r}")
    return int(number)


def _version_context(request: Request, slug: str, number: str) -> dict[str, Any]:
    factory = deps.uow(request)
    n = _version_number(slug, number)
    current, previous, changes = story_service.version_changes(factory, slug, n)
    facts = election_facts(factory, slug)
    told = story_service.election_story(factory, slug)
    locale, _ = locale_of(request), gettext_for(request)
    published = views.Published.of(current)
    return {
        "e": facts.election, "names": views.names(request, [slug]).get(slug),
        "result": published, "previous": previous, "changes": changes,
        "deltas": story_service.candidate_deltas(current, previous),
        "decided": published.decided, "count": len(told.versions),
        "chart": views.chart(published, locale, _, "version-chart")
        if published.precincts_reporting else None,
        "versions_chart": views.versions_figure(told, locale, _, "versions-chart", n),
        "precinct_names": {p.code: p.name for p in facts.precincts},
        "polls": {p.key: p for p in facts.polls},
    }


@router.get("/elections/{slug}/live")
async def live(request: Request, slug: str) -> Response:
    stamp = await current_stamp(request)

    def make() -> Response:
        context = _live_context(request, slug, "live-chart")
        context["stamp"] = stamp
        return render(request, "live.html", context)

    return await serve_cached(request, f"live|{slug}", make)


def _panel(request: Request, slug: str) -> Response:
    response = render(request, "_live_panel.html", _live_context(request, slug, "live-chart"))
    response.headers["etag"] = '"' + hashlib.sha256(bytes(response.body)).hexdigest()[:20] + '"'
    response.headers["cache-control"] = "no-cache"
    return response


@router.get("/elections/{slug}/live/panel")
async def live_panel(request: Request, slug: str) -> Response:
    """The live page's results panel, for its script to swap in; 304 when nothing changed."""
    response = await serve_cached(request, f"panel|{slug}", lambda: _panel(request, slug))
    etag = response.headers.get("etag", "")
    if etag and request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"etag": etag, "cache-control": "no-cache"})
    return response


@router.get("/elections/{slug}/live/events")
async def live_events(request: Request, slug: str, since: int | None = None) -> Response:
    """Server-Sent Events: `panel` events carry the new results panel; ids are change stamps."""
    await run_in_threadpool(election_facts, deps.uow(request), slug)  # 404 for unknown slugs
    last_id = request.headers.get("last-event-id", "")
    if last_id.isdigit():
        since = int(last_id)
    broadcaster: Broadcaster = request.app.state.broadcaster
    config = deps.config(request)
    factory = deps.uow(request)

    watcher: ChangeWatcher = request.app.state.watcher

    def render_panel() -> tuple[int, str]:
        stamp = watcher.current() or last_change(factory)
        html = render(request, "_live_panel.html", _live_context(request, slug, "live-chart"))
        return stamp, bytes(html.body).decode("utf-8")

    events = stream(broadcaster, slug, locale_of(request), since, render_panel,
                    config.live_heartbeat_seconds, config.live_stream_seconds, time.monotonic)
    return StreamingResponse(events, media_type="text/event-stream", headers={
        "cache-control": "no-cache", "x-accel-buffering": "no"})


# --- downloads ----------------------------------------------------------------------------


def _download(text: str, media_type: str, filename: str) -> Response:
    return PlainTextResponse(text, media_type=f"{media_type}; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{filename}"'})


@router.get("/elections/{slug}/results.json")
async def download_json(request: Request, slug: str) -> Response:
    def make() -> Response:
        data = results_service.published_result(deps.uow(request), slug)
        return _download(result_json(data) + "\n", "application/json", f"{slug}-results.json")
    return await serve_cached(request, f"json|{slug}", make)


@router.get("/elections/{slug}/results.csv")
async def download_csv(request: Request, slug: str) -> Response:
    def make() -> Response:
        data = results_service.published_result(deps.uow(request), slug)
        return _download(result_csv(data), "text/csv", f"{slug}-results.csv")
    return await serve_cached(request, f"csv|{slug}", make)


@router.get("/elections/{slug}/precincts.csv")
async def download_precincts(request: Request, slug: str) -> Response:
    def make() -> Response:
        story = election_story(deps.uow(request), slug)
        keys = [c.key for c in story.facts.election.candidates]
        notes = {code: (n.status, n.day.isoformat() if n.day else "")
                 for code, n in _notes(story).items()}
        return _download(precinct_results_csv(story.live, keys, notes), "text/csv",
                         f"{slug}-precincts.csv")
    return await serve_cached(request, f"precincts|{slug}", make)


@router.get("/elections/{slug}/results.nist.json")
async def download_nist(request: Request, slug: str) -> Response:
    """NIST SP 1500-100 (version 2) election results report of the published result."""
    def make() -> Response:
        text = downloads.nist(deps.uow(request), slug, views.names(request, [slug]).get(slug))
        return _download(text, "application/json", f"{slug}-results.nist.json")
    return await serve_cached(request, f"nist|{slug}", make)


@router.get("/elections/{slug}/article.txt")
async def download_article(request: Request, slug: str) -> Response:
    """The encyclopedia article format of the published result."""
    def make() -> Response:
        text = downloads.article(deps.uow(request), slug,
                                 views.names(request, [slug]).get(slug))
        return _download(text, "text/plain", f"{slug}-article.txt")
    return await serve_cached(request, f"article|{slug}", make)


@router.get("/elections/{slug}/wikitext.txt")
async def download_wikitext(request: Request, slug: str) -> Response:
    """MediaWiki wikitext of the published result."""
    def make() -> Response:
        text = downloads.wikitext(deps.uow(request), slug,
                                  views.names(request, [slug]).get(slug))
        return _download(text, "text/plain", f"{slug}-wikitext.txt")
    return await serve_cached(request, f"wikitext|{slug}", make)


@router.get("/elections/{slug}/certificate.txt")
async def download_certificate(request: Request, slug: str) -> Response:
    """The certificate of result of a certified election (409 before certification)."""
    def make() -> Response:
        text = downloads.certificate(deps.uow(request), slug)
        return _download(text, "text/plain", f"{slug}-certificate.txt")
    return await serve_cached(request, f"certificate|{slug}", make)


# --- the record: office holders and people ------------------------------------------------


@router.get("/history")
async def history(request: Request) -> Response:
    """Every office's holders: a timeline with interim tenures and vacancies, and a list."""
    return await serve_cached(request, f"history|{date.today()}", lambda: _history(request))


def _history(request: Request) -> Response:
    factory = deps.uow(request)
    locale, _ = locale_of(request), gettext_for(request)
    elections = list_elections(factory)
    named = views.names(request, [e.slug for e in elections])
    labels = {(e.organisation, e.office): named[e.slug] for e in elections if e.slug in named}
    today = date.today()
    sections = []
    for i, (organisation, office) in enumerate(offices(factory)):
        tenures = office_holders(factory, organisation, office)
        spans = views.history_spans(tenures, locale, _, today,
                                    views.people_names(named, locale),
                                    direction(locale) == "rtl")
        label = labels.get((organisation, office))
        local = label.local(locale) if label else None
        office_name = (local.office or label.office) if label and local else office
        org_name = (local.organisation or label.organisation) if label and local else organisation
        held = [e.timetable.polling_day for e in elections
                if (e.organisation, e.office) == (organisation, office)
                and e.timetable.polling_day is not None]
        known = [d for t in tenures for d in (t.start, t.end) if d is not None] + held
        until = min(max(known), today) if known else today  # zoom to the office's record
        chart = timeline_chart(
            spans, until, _("Holders of the office of %(office)s") % {"office": office_name},
            _("One row per holder, oldest first; interim holders have a dashed outline and "
              "vacancies a dotted one."), f"timeline-{i}") if spans else None
        linked = list(dict.fromkeys(t.election for t in tenures if t.election))
        sections.append({"organisation": org_name, "office": office_name, "spans": spans,
                         "elections": linked, "chart": chart, "id": f"office-{i}",
                         "committee": views.committee_rows(tenures, locale)})
    return render(request, "history.html", {
        "sections": sections, "shown_names": views.people_names(named, locale),
        "titles": views.local_titles(elections, named, locale)})


@router.get("/people/{name}")
async def person(request: Request, name: str) -> Response:
    """A person: the elections they ran in, with their votes and the outcome, offices held."""
    def make() -> Response:
        record = person_record(deps.uow(request), name)
        elections = list_elections(deps.uow(request))
        named = views.names(request, [e.slug for e in elections])
        locale = locale_of(request)
        return render(request, "person.html", {
            "person": record, "shown_names": views.people_names(named, locale),
            "office_names": views.office_names(named, locale),
            "titles": views.local_titles(elections, named, locale)})
    return await serve_cached(request, f"person|{name}", make)


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    """A local, script-free reference page generated from the OpenAPI document."""
    deps.current_user(request)
    spec = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **op}
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items() if method in ("get", "post", "put", "delete", "patch")
    ]
    return render(request, "api_docs.html", {"spec": spec, "operations": operations})
