"""The API of an election's outcome and the record: disputes and rulings (a ruling may order a
re-vote), lifecycle steps and certification, office holders and people.

Changes need an administrator's session and the `X-CSRF-Token` header, as in `api`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from hustings.services import disputes as dispute_service
from hustings.services import lifecycle
from hustings.services.identity import Signer
from hustings.services.queries import list_disputes
from hustings.services.web_queries import office_holders, offices, person_record
from hustings.web import deps
from hustings.web.api import ERRORS, cached_json
from hustings.web.errors import WebError
from hustings.web.limits import accepts_uploads
from hustings.web.routes_disputes import evidence_files
from hustings.web.schemas import (
    CandidacyOut,
    DisputeIn,
    DisputeOut,
    OfficeHistoryOut,
    PersonOut,
    RulingIn,
    RulingOut,
    StatusIn,
    StatusOut,
    TenureOut,
)

DISPUTE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": DisputeIn.model_json_schema()},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["complaint"],
        "properties": {"poll": {"type": "string"}, "complaint": {"type": "string"},
                       "precincts": {"type": "array", "items": {"type": "string"}},
                       "evidence": {"type": "array",
                                    "items": {"type": "string", "format": "binary"}}}}},
}}}

router = APIRouter(prefix="/api", responses=ERRORS)
admin = APIRouter(prefix="/api", responses=ERRORS, dependencies=deps.api_doors(deps.ADMINISTER))
SignedIn = Annotated[Signer, Depends(deps.signed_in)]


@router.get("/elections/{slug}/disputes", response_model=list[DisputeOut], tags=["disputes"])
async def get_disputes(request: Request, slug: str) -> Response:
    """Every dispute of the election with its ruling (null while awaiting one)."""
    def make() -> list[DisputeOut]:
        deps.election_exists(request, slug)
        return [DisputeOut.of(d, r) for d, r in list_disputes(deps.uow(request), slug)]
    return await cached_json(request, f"api-disputes|{slug}", make)


async def _dispute_in(request: Request) -> tuple[DisputeIn, list[tuple[str, bytes]]]:
    """The dispute from JSON, or from multipart/form-data with `evidence` files."""
    content_type = request.headers.get("content-type", "")
    files: list[tuple[str, bytes]] = []
    raw: Any
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        raw = {k: v for k, v in form.items() if isinstance(v, str) and k != "precincts"}
        raw["precincts"] = [p for p in form.getlist("precincts") if isinstance(p, str) and p]
        files = await evidence_files(form, deps.config(request))
    elif content_type.startswith("application/json"):
        try:
            raw = await request.json()
        except ValueError:
            raise WebError(422, "invalid_input", "the body is not JSON") from None
    else:
        raise WebError(415, "unsupported_media_type",
                       "send the dispute as application/json or multipart/form-data")
    return deps.validated(DisputeIn, raw), files


@admin.post("/elections/{slug}/disputes", response_model=DisputeOut, status_code=201,
            tags=["disputes"], openapi_extra=DISPUTE_BODY)
@accepts_uploads
async def post_dispute(request: Request, slug: str, user: SignedIn) -> DisputeOut:
    """File a dispute, with evidence files when sent as multipart (administrators)."""
    body, files = await _dispute_in(request)
    number = await run_in_threadpool(dispute_service.file_dispute, deps.uow(request), slug,
                                     body.poll, body.precincts, body.complaint,
                                     deps.actor(user), files)
    found = await run_in_threadpool(list_disputes, deps.uow(request), slug)
    return next(DisputeOut.of(d, r) for d, r in found if d.number == number)


@admin.post("/elections/{slug}/disputes/{number}/ruling", response_model=RulingOut,
            status_code=201, tags=["disputes"], openapi_extra=deps.json_body_spec(RulingIn))
def post_ruling(request: Request, slug: str, number: int, user: SignedIn,
                body: Annotated[RulingIn, Depends(deps.json_body(RulingIn))]) -> RulingOut:
    """Rule on a dispute; `void-and-revote` and `void-poll` order a re-vote on `revote_day`
    (administrators)."""
    ruling = dispute_service.rule(deps.uow(request), slug, number, body.decision.value,
                                  body.reasons, deps.actor(user), body.precincts,
                                  body.revote_day, body.on)
    return RulingOut.of(ruling)


@admin.post("/elections/{slug}/status", response_model=StatusOut, tags=["administration"],
            openapi_extra=deps.json_body_spec(StatusIn))
def post_status(request: Request, slug: str, user: SignedIn,
                body: Annotated[StatusIn, Depends(deps.json_body(StatusIn))]) -> StatusOut:
    """Take the next lifecycle step; `certified` certifies and starts the winner's tenure
    (administrators)."""
    reached = lifecycle.advance(deps.uow(request), slug, body.status.value, deps.actor(user),
                                body.on)
    return StatusOut(election=slug, status=reached.value)


@router.get("/history", response_model=list[OfficeHistoryOut], tags=["record"])
async def get_history(request: Request) -> Response:
    """Every office's holders, oldest first (interim and acting tenures, vacancies)."""
    def make() -> list[OfficeHistoryOut]:
        factory = deps.uow(request)
        return [OfficeHistoryOut(organisation=org, office=office,
                                 tenures=[TenureOut.of(t)
                                          for t in office_holders(factory, org, office)])
                for org, office in offices(factory)]
    return await cached_json(request, "api-history", make)


@router.get("/people/{name}", response_model=PersonOut, tags=["record"])
async def get_person(request: Request, name: str) -> Response:
    """A person: the elections they ran in (votes, outcome) and the offices they held."""
    return await cached_json(request, f"api-person|{name}", lambda: _person(request, name))


def _person(request: Request, name: str) -> PersonOut:
    found = person_record(deps.uow(request), name)
    return PersonOut(
        name=found.name,
        elections=[CandidacyOut(election=c.slug, title=c.title, run=c.run,
                                votes=str(c.votes) if c.votes is not None else None,
                                percentage=c.percentage, outcome=c.outcome)
                   for c in found.candidacies],
        offices=[TenureOut.of(t) for t in found.tenures])
