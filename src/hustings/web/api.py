"""The JSON API under /api: read elections and results; administer with a session and CSRF token.

Handlers only translate HTTP to service calls; errors go through `web.errors`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from hustings.domain.polling import TallySheet
from hustings.formats.published_result import result_json
from hustings.services import elections as election_service
from hustings.services import members as member_service
from hustings.services import results as results_service
from hustings.services import tallies as tally_service
from hustings.services.queries import list_elections
from hustings.services.web_queries import election_facts
from hustings.web import deps
from hustings.web.cache import serve_cached
from hustings.web.errors import WebError
from hustings.web.schemas import (
    Accepted,
    ElectionDetail,
    ElectionSummary,
    ErrorOut,
    FrozenRollOut,
    Imported,
    PublishedResultOut,
    SessionOut,
    SignIn,
    TallySheetIn,
    VersionOut,
)
from hustings.web.uploads import as_text, read_upload

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (401, 403, 404, 409, 413, 422, 429)}
UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string",
                                                               "format": "binary"}}}},
    "text/csv": {"schema": {"type": "string"}},
    "application/toml": {"schema": {"type": "string"}},
}}}

router = APIRouter(prefix="/api", responses=ERRORS)


@router.get("/elections", response_model=list[ElectionSummary], tags=["elections"])
def get_elections(request: Request) -> list[ElectionSummary]:
    """Every election, in the order they were defined."""
    return [ElectionSummary.of(e) for e in list_elections(deps.uow(request))]


@router.get("/elections/{slug}", response_model=ElectionDetail, tags=["elections"])
def get_election(request: Request, slug: str) -> ElectionDetail:
    """An election: timetable, candidates, precincts (with the frozen roll), polls."""
    return ElectionDetail.of_facts(election_facts(deps.uow(request), slug))


@router.get("/elections/{slug}/results", response_model=PublishedResultOut, tags=["results"])
async def get_results(request: Request, slug: str,
                      version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None
                      ) -> Response:
    """The published result (the newest version, or `version`): exactly
    `hustings results SLUG [--version N] --format json`."""
    def make() -> Response:
        data = results_service.published_result(deps.uow(request), slug, version)
        return Response(result_json(data), media_type="application/json")
    return await serve_cached(request, f"api-results|{slug}|{version}", make)


@router.get("/elections/{slug}/versions", response_model=list[VersionOut], tags=["results"])
def get_versions(request: Request, slug: str) -> list[VersionOut]:
    """Every result version of the election with the reason it was recorded, oldest first."""
    return [VersionOut(**v) for v in results_service.versions(deps.uow(request), slug)]


@router.post("/elections", response_model=ElectionDetail, status_code=201, tags=["administration"],
             openapi_extra=UPLOAD_BODY)
async def post_election(request: Request) -> ElectionDetail:
    """Define an election from its TOML definition (administrators)."""
    user = await run_in_threadpool(deps.authorise, request, deps.ADMINISTER)
    deps.check_csrf_header(request)
    data, source = await read_upload(request, deps.config(request), "election.toml")
    text = as_text(data, source)
    election = await run_in_threadpool(election_service.create_election, deps.uow(request),
                                       text, source, deps.actor(user))
    return await run_in_threadpool(_detail, request, election.slug)


@router.post("/bodies/{body}/members", response_model=Imported, tags=["administration"],
             openapi_extra=UPLOAD_BODY)
async def post_members(request: Request, body: str) -> Imported:
    """Import members into a body from a CSV roll (administrators)."""
    user = await run_in_threadpool(deps.authorise, request, deps.ADMINISTER)
    deps.check_csrf_header(request)
    data, source = await read_upload(request, deps.config(request), "members.csv")
    n = await run_in_threadpool(member_service.import_members, deps.uow(request), body, data,
                                source, deps.actor(user))
    return Imported(imported=n)


@router.post("/elections/{slug}/precincts", response_model=Imported, tags=["administration"],
             openapi_extra=UPLOAD_BODY)
async def post_precincts(request: Request, slug: str) -> Imported:
    """Add precincts from CSV (code,name) before the roll is frozen (administrators)."""
    user = await run_in_threadpool(deps.authorise, request, deps.ADMINISTER)
    deps.check_csrf_header(request)
    data, source = await read_upload(request, deps.config(request), "precincts.csv")
    n = await run_in_threadpool(election_service.import_precincts, deps.uow(request), slug, data,
                                source, deps.actor(user))
    return Imported(imported=n)


@router.post("/elections/{slug}/roll/freeze", response_model=FrozenRollOut,
             tags=["administration"])
def post_freeze(request: Request, slug: str) -> FrozenRollOut:
    """Freeze the roll from the body by the eligibility rule (administrators)."""
    user = deps.authorise(request, deps.ADMINISTER)
    deps.check_csrf_header(request)
    roll = election_service.freeze_roll(deps.uow(request), slug, deps.actor(user))
    return FrozenRollOut(election=roll.election, size=roll.size, by_precinct=roll.by_precinct)


@router.post("/elections/{slug}/tally-sheets", response_model=Accepted, status_code=201,
             tags=["tally sheets"])
def post_tally_sheet(request: Request, slug: str, sheet: TallySheetIn) -> Accepted:
    """Enter one precinct's tally sheet (administrators and clerks)."""
    user = deps.authorise(request, deps.ENTER_TALLIES)
    deps.check_csrf_header(request)
    tally_service.enter_tally(deps.uow(request), slug, TallySheet(
        poll=sheet.poll, precinct=sheet.precinct, registered=sheet.registered,
        ballots_cast=sheet.ballots_cast, votes=dict(sheet.votes), blank=sheet.blank,
        invalid=sheet.invalid), deps.actor(user))
    deps.changed(request, slug)
    return Accepted(accepted=1)


@router.post("/elections/{slug}/tally-sheets/import", response_model=Accepted,
             status_code=201, tags=["tally sheets"], openapi_extra=UPLOAD_BODY)
async def post_tally_import(request: Request, slug: str, poll: str = "initial") -> Accepted:
    """Import tally sheets from CSV, all or none (administrators and clerks)."""
    user = await run_in_threadpool(deps.authorise, request, deps.ENTER_TALLIES)
    deps.check_csrf_header(request)
    data, source = await read_upload(request, deps.config(request), "tally.csv")
    n = await run_in_threadpool(tally_service.import_tallies, deps.uow(request), slug, data,
                                source, deps.actor(user), poll)
    deps.changed(request, slug)
    return Accepted(accepted=n)


@router.get("/session", response_model=SessionOut, tags=["session"])
def get_session(request: Request) -> SessionOut:
    """Who is signed in, and the CSRF token to send with changes."""
    user = deps.current_user(request)
    return SessionOut(username=user.username if user else None,
                      role=user.role.value if user else None,
                      csrf_token=deps.session(request).csrf_token())


@router.post("/session", response_model=SessionOut, tags=["session"])
def post_session(request: Request, body: SignIn) -> SessionOut:
    """Sign in (JSON only). Five failures per username and address in five minutes: 429."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise WebError(415, "unsupported_media_type", "send the credentials as application/json")
    user = deps.sign_in_checked(request, body.username, body.password)
    deps.start_session(request, user)
    return SessionOut(username=user.username, role=user.role.value,
                      csrf_token=deps.session(request).csrf_token())


@router.delete("/session", status_code=204, tags=["session"])
def delete_session(request: Request) -> Response:
    """Sign out."""
    deps.check_csrf_header(request)
    deps.end_session(request)
    return Response(status_code=204)


def _detail(request: Request, slug: str) -> ElectionDetail:
    return ElectionDetail.of_facts(election_facts(deps.uow(request), slug))
