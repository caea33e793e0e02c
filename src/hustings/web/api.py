"""The JSON API under /api: read elections and results; administer with a session and CSRF token.

Handlers only translate HTTP to service calls; errors go through `web.errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from hustings.domain.polling import TallySheet
from hustings.formats.published_result import result_json
from hustings.services import ballots as ballot_service
from hustings.services import checkpoints as checkpoint_service
from hustings.services import elections as election_service
from hustings.services import members as member_service
from hustings.services import results as results_service
from hustings.services import story as story_service
from hustings.services import tallies as tally_service
from hustings.services.identity import Signer
from hustings.services.queries import list_elections, sheet_standing
from hustings.services.web_queries import election_facts
from hustings.web import deps
from hustings.web.cache import serve_cached
from hustings.web.errors import WebError
from hustings.web.limits import accepts_uploads
from hustings.web.schemas import (
    BallotsImported,
    CheckpointOut,
    ElectionDetail,
    ElectionSummary,
    ErrorOut,
    FrozenRollOut,
    Imported,
    PublishedResultOut,
    SessionOut,
    SignIn,
    Stored,
    TallyEntered,
    TallySheetIn,
    VersionChangesOut,
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
# Changes: the doors (signed in, role, CSRF header) are declared once per router.
admin = APIRouter(prefix="/api", responses=ERRORS, dependencies=deps.api_doors(deps.ADMINISTER))
clerks = APIRouter(prefix="/api", responses=ERRORS,
                   dependencies=deps.api_doors(deps.ENTER_TALLIES))
SignedIn = Annotated[Signer, Depends(deps.signed_in)]


async def cached_json(request: Request, key: str, make: Callable[[], Any]) -> Response:
    """`make()`'s model(s) as JSON, kept by the page cache until the data changes."""
    return await serve_cached(request, key, lambda: JSONResponse(jsonable_encoder(make())))


@router.get("/elections", response_model=list[ElectionSummary], tags=["elections"])
async def get_elections(request: Request) -> Response:
    """Every election, in the order they were defined."""
    return await cached_json(request, "api-elections", lambda: [
        ElectionSummary.of(e) for e in list_elections(deps.uow(request))])


@router.get("/elections/{slug}", response_model=ElectionDetail, tags=["elections"])
async def get_election(request: Request, slug: str) -> Response:
    """An election: timetable, candidates, precincts (with the frozen roll), polls."""
    return await cached_json(request, f"api-election|{slug}", lambda: _detail(request, slug))


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
async def get_versions(request: Request, slug: str) -> Response:
    """Every result version of the election with the reason it was recorded, oldest first."""
    return await cached_json(request, f"api-versions|{slug}", lambda: [
        VersionOut(**v) for v in results_service.versions(deps.uow(request), slug)])


@router.get("/elections/{slug}/versions/{number}", response_model=VersionChangesOut,
            tags=["results"])
async def get_version(request: Request, slug: str,
                      number: Annotated[int, Path(ge=1, le=1_000_000)]) -> Response:
    """Result version N and what changed from version N-1: each candidate's votes before and
    after, and each precinct whose counted return changed (reported, voided, re-voted,
    corrected) with its figures before and after. The page is /elections/SLUG/versions/N."""
    def make() -> VersionChangesOut:
        current, previous, changes = story_service.version_changes(deps.uow(request), slug,
                                                                   number)
        return VersionChangesOut(
            version=current["version"], previous=previous["version"] if previous else None,
            reason=current["reason"], created_at=current["created_at"],
            candidates=story_service.candidate_deltas(current, previous),  # type: ignore[arg-type]
            precincts=changes,  # type: ignore[arg-type]
            result=current)
    return await cached_json(request, f"api-version|{slug}|{number}", make)


@router.get("/log/checkpoint", response_model=CheckpointOut, tags=["integrity"])
async def get_checkpoint(request: Request) -> Response:
    """The latest signed checkpoint of the log (size, Merkle root, time, signer, signature,
    and its text form to save and check later with `hustings log verify --checkpoint`)."""
    return await cached_json(request, "api-checkpoint", lambda: CheckpointOut(
        **checkpoint_service.latest_public(deps.uow(request))))


@admin.post("/elections", response_model=ElectionDetail, status_code=201, tags=["administration"],
            openapi_extra=UPLOAD_BODY)
@accepts_uploads
async def post_election(request: Request, user: SignedIn) -> ElectionDetail:
    """Define an election from its TOML definition (administrators)."""
    data, source = await read_upload(request, deps.config(request), "election.toml")
    text = as_text(data, source)
    election = await run_in_threadpool(election_service.create_election, deps.uow(request),
                                       text, source, deps.actor(user))
    return await run_in_threadpool(_detail, request, election.slug)


@admin.post("/bodies/{body}/members", response_model=Imported, tags=["administration"],
            openapi_extra=UPLOAD_BODY)
@accepts_uploads
async def post_members(request: Request, body: str, user: SignedIn) -> Imported:
    """Import members into a body from a CSV roll (administrators)."""
    data, source = await read_upload(request, deps.config(request), "members.csv")
    n = await run_in_threadpool(member_service.import_members, deps.uow(request), body, data,
                                source, deps.actor(user))
    return Imported(imported=n)


@admin.post("/elections/{slug}/precincts", response_model=Imported, tags=["administration"],
            openapi_extra=UPLOAD_BODY)
@accepts_uploads
async def post_precincts(request: Request, slug: str, user: SignedIn) -> Imported:
    """Add precincts from CSV (code,name) before the roll is frozen (administrators)."""
    data, source = await read_upload(request, deps.config(request), "precincts.csv")
    n = await run_in_threadpool(election_service.import_precincts, deps.uow(request), slug, data,
                                source, deps.actor(user))
    return Imported(imported=n)


@admin.post("/elections/{slug}/roll/freeze", response_model=FrozenRollOut,
            tags=["administration"])
def post_freeze(request: Request, slug: str, user: SignedIn) -> FrozenRollOut:
    """Freeze the roll from the body by the eligibility rule (administrators)."""
    roll = election_service.freeze_roll(deps.uow(request), slug, deps.actor(user))
    return FrozenRollOut(election=roll.election, size=roll.size, by_precinct=roll.by_precinct)


@clerks.post("/elections/{slug}/tally-sheets", response_model=TallyEntered, status_code=201,
             tags=["tally sheets"], openapi_extra=deps.json_body_spec(TallySheetIn))
def post_tally_sheet(request: Request, slug: str, user: SignedIn,
                     sheet: Annotated[TallySheetIn, Depends(deps.json_body(TallySheetIn))]
                     ) -> TallyEntered:
    """Enter one precinct's tally sheet (administrators and clerks). The answer says where
    the precinct stands: `accepted` once two clerks' figures agree, `awaiting second entry`
    after the first, `mismatch` when they differ."""
    status = tally_service.enter_tally(deps.uow(request), slug, TallySheet(
        poll=sheet.poll, precinct=sheet.precinct, registered=sheet.registered,
        ballots_cast=sheet.ballots_cast, votes=dict(sheet.votes), blank=sheet.blank,
        invalid=sheet.invalid), deps.actor(user))
    return TallyEntered(poll=sheet.poll, precinct=sheet.precinct, status=status)


@clerks.post("/elections/{slug}/tally-sheets/import", response_model=Stored,
             status_code=201, tags=["tally sheets"], openapi_extra=UPLOAD_BODY)
@accepts_uploads
async def post_tally_import(request: Request, slug: str, user: SignedIn,
                            poll: str = "initial") -> Stored:
    """Import tally sheets from CSV, all or none (administrators and clerks). `stored` counts
    the sheets kept; `accepted` and `awaiting` count the poll's precincts by where they stand
    now (a precinct counts once two clerks' figures agree)."""
    data, source = await read_upload(request, deps.config(request), "tally.csv")
    n = await run_in_threadpool(tally_service.import_tallies, deps.uow(request), slug, data,
                                source, deps.actor(user), poll)
    standing = await run_in_threadpool(sheet_standing, deps.uow(request), slug, poll)
    return Stored(stored=n, accepted=standing.get("accepted", 0),
                  awaiting=standing.get("awaiting second entry", 0),
                  mismatch=standing.get("mismatch", 0))


@clerks.post("/elections/{slug}/ballots/import", response_model=BallotsImported,
             status_code=201, tags=["ballots"], openapi_extra=UPLOAD_BODY)
@accepts_uploads
async def post_ballots_import(request: Request, slug: str, user: SignedIn,
                              poll: str = "initial", precinct: str | None = None,
                              section: str | None = None) -> BallotsImported:
    """Import cast vote records (a CSV with a Precinct column, or one precinct's ballot file
    with `precinct`), all or none, as the signed-in clerk's return (administrators and
    clerks): `hustings ballots import`. The answer says where each precinct stands."""
    data, source = await read_upload(request, deps.config(request), "ballots.csv")
    done = await run_in_threadpool(ballot_service.import_ballots, deps.uow(request), slug,
                                   data, source, deps.actor(user), poll, precinct, section)
    return BallotsImported(poll=done.poll, ballots=done.ballots, status=done.status)


@router.get("/session", response_model=SessionOut, tags=["session"])
def get_session(request: Request) -> SessionOut:
    """Who is signed in, and the CSRF token to send with changes."""
    user = deps.current_user(request)
    return SessionOut(username=user.username if user else None,
                      role=user.role.value if user else None,
                      csrf_token=deps.session(request).csrf_token())


@router.post("/session", response_model=SessionOut, tags=["session"])
def post_session(request: Request, body: SignIn) -> SessionOut:
    """Sign in (JSON only), with the second factor's `code` for users enrolled. Too many
    failures (per user name, per address, overall; see docs/security.md): 429 and Retry-After."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise WebError(415, "unsupported_media_type", "send the credentials as application/json")
    user = deps.sign_in_checked(request, body.username, body.password, body.code)
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
