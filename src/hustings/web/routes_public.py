"""Public pages: home, election, live results (polled panel), downloads, API docs."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from hustings.formats.published_result import result_csv, result_json
from hustings.reports.precinct_csv import precinct_results_csv
from hustings.services import results as results_service
from hustings.services.queries import list_elections
from hustings.services.web_queries import election_facts
from hustings.web import deps, views
from hustings.web.templating import gettext_for, locale_of, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    deps.current_user(request)
    elections = list_elections(deps.uow(request))
    named = views.names(request, [e.slug for e in elections])
    return render(request, "home.html", {"listings": views.listings(elections, named)})


def _election_context(request: Request, slug: str, chart_id: str) -> dict[str, Any]:
    factory = deps.uow(request)
    facts = election_facts(factory, slug)
    result = results_service.election_result(factory, slug)
    named = views.names(request, [slug]).get(slug)
    waiting = views.waiting(facts, result)
    return {
        "facts": facts, "e": facts.election, "result": result, "names": named,
        "waiting": waiting,
        "chart": views.chart(result, locale_of(request), gettext_for(request), chart_id)
        if result.precincts_reporting else None,
        "decided": result.status in {s.value for s in views.DECIDED},
        "poll_seconds": deps.config(request).live_poll_seconds,
    }


@router.get("/elections/{slug}")
def election(request: Request, slug: str) -> Response:
    deps.current_user(request)
    return render(request, "election.html", _election_context(request, slug, "result-chart"))


@router.get("/elections/{slug}/live")
def live(request: Request, slug: str) -> Response:
    deps.current_user(request)
    return render(request, "live.html", _election_context(request, slug, "live-chart"))


@router.get("/elections/{slug}/live/panel")
def live_panel(request: Request, slug: str) -> Response:
    """The live page's results panel, for its script to swap in; 304 when nothing changed."""
    response = render(request, "_live_panel.html", _election_context(request, slug, "live-chart"))
    etag = '"' + hashlib.sha256(bytes(response.body)).hexdigest()[:20] + '"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"etag": etag, "cache-control": "no-cache"})
    response.headers["etag"] = etag
    response.headers["cache-control"] = "no-cache"
    return response


@router.get("/elections/{slug}/results.json")
def download_json(request: Request, slug: str) -> Response:
    data = results_service.election_result(deps.uow(request), slug).to_dict()
    return _download(result_json(data) + "\n", "application/json", f"{slug}-results.json")


@router.get("/elections/{slug}/results.csv")
def download_csv(request: Request, slug: str) -> Response:
    data = results_service.election_result(deps.uow(request), slug).to_dict()
    return _download(result_csv(data), "text/csv", f"{slug}-results.csv")


@router.get("/elections/{slug}/precincts.csv")
def download_precincts(request: Request, slug: str) -> Response:
    factory = deps.uow(request)
    keys = [c.key for c in election_facts(factory, slug).election.candidates]
    text = precinct_results_csv(results_service.election_result(factory, slug), keys)
    return _download(text, "text/csv", f"{slug}-precincts.csv")


def _download(text: str, media_type: str, filename: str) -> Response:
    return PlainTextResponse(text, media_type=f"{media_type}; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{filename}"'})


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
