"""Voting over HTTP (issue 12): the three routes the booth uses.

    POST /api/elections/SLUG/online/ballots   body: the ballot JSON (docs/formats/online-voting.md
                                               section 8); answers 201 {"tracker": ...}
    GET  /api/elections/SLUG/online/board     the public board: positions, trackers, links, head
    GET  /api/elections/SLUG/online/election  the election JSON the booth encrypts under

A ballot authenticates itself with its credential's signature, so casting needs no session
and no CSRF token (a cross-site page cannot make a ballot without the voter's credential).
An unknown credential answers 403, a malformed ballot or a failing proof 422 naming the JSON
path, a closed poll 409; nothing is stored unless the ballot is accepted.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from hustings.crypto.board import UnknownCredential
from hustings.domain.errors import InvalidInput, Problem
from hustings.services import online
from hustings.web import deps
from hustings.web.errors import WebError
from hustings.web.schemas import ErrorOut

router = APIRouter(prefix="/api", tags=["online voting"], responses={
    code: {"model": ErrorOut} for code in (403, 404, 409, 413, 415, 422)})

BALLOT_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "description": "A ballot: docs/formats/online-voting.md §8"}}}}}


@router.post("/elections/{slug}/online/ballots", status_code=201, openapi_extra=BALLOT_BODY)
async def post_ballot(request: Request, slug: str) -> JSONResponse:
    """Cast a ballot; the answer's tracker is the voter's receipt."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise InvalidInput(Problem("send the ballot as application/json", "ballot"))
    raw = await request.body()
    try:
        body: Any = json.loads(raw)
    except ValueError as exc:
        raise InvalidInput(Problem(f"the body is not JSON: {exc}", "ballot")) from None
    try:
        tracker = await run_in_threadpool(online.cast, deps.uow(request), slug, body)
    except UnknownCredential as refused:  # the ballot identifies its sender: 403, not 401
        raise WebError(403, "forbidden", str(refused)) from None
    return JSONResponse({"tracker": tracker}, status_code=201)


@router.get("/elections/{slug}/online/board")
def get_board(request: Request, slug: str) -> dict[str, Any]:
    """The public bulletin board (a voter finds their tracker here)."""
    return online.public_board(deps.uow(request), slug)


@router.get("/elections/{slug}/online/election")
def get_online_election(request: Request, slug: str) -> dict[str, Any]:
    """The online poll's election JSON: key, question, id (what the booth needs)."""
    return online.election_json(deps.uow(request), slug)
