"""Administration of an election's outcome: file and rule on disputes (a ruling may order a
re-vote), and move the election through its lifecycle up to certification.

Administrators only (`deps.ADMINISTER`); other signed-in roles see the pages read-only. The
router's doors (signed in, role, CSRF) pass first, then the service; refusals come back with the
user's input and each problem beside its field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from hustings.domain.election import ElectionStatus
from hustings.domain.errors import HustingsError, InvalidInput, PermissionDenied, Problem
from hustings.domain.lifecycle import MANUAL
from hustings.services import disputes as dispute_service
from hustings.services import lifecycle
from hustings.services.web_queries import election_story
from hustings.web import deps
from hustings.web.config import WebConfig
from hustings.web.errors import WebError, classify
from hustings.web.forms import FormState
from hustings.web.i18n import STATUS_NAMES
from hustings.web.limits import accepts_uploads
from hustings.web.security import CSRF_FIELD
from hustings.web.templating import gettext_for, render
from hustings.web.uploads import source_name

router = APIRouter(include_in_schema=False, dependencies=deps.page_doors(deps.ADMINISTER))

DISPUTE_FIELDS = {"complaint": "complaint", "precincts": "precincts", "poll": "poll",
                  "evidence": "evidence"}
RULING_FIELDS = {"decision": "decision", "reasons": "reasons", "precincts": "precincts",
                 "revote_day": "revote_day", "on": "on"}


def _can_administer(request: Request) -> bool:
    return deps.user(request).role.value == "administrator"


def _refusal(request: Request, exc: HustingsError) -> tuple[int, list[Problem]]:
    if isinstance(exc, PermissionDenied):
        raise exc
    status, _code = classify(exc, request)
    problems = exc.problems if isinstance(exc, InvalidInput) else [Problem(str(exc))]
    return (422 if status == 404 else status), problems


def parse_day(values: dict[str, str], name: str, problems: list[Problem]) -> date | None:
    """An optional ISO date field; a problem on the field when it is not one."""
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(Problem(f"{raw!r} is not a date (YYYY-MM-DD)", "form", None, name))
        return None


async def evidence_files(form: FormData, config: WebConfig) -> list[tuple[str, bytes]]:
    """The uploaded evidence files (field `evidence`, any number), each within the limit."""
    files = []
    for item in form.getlist("evidence"):
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read(config.max_upload_bytes + 1)
            if len(data) > config.max_upload_bytes:
                raise WebError(413, "too_large",
                               f"uploads are limited to {config.max_upload_bytes:,} bytes")
            files.append((source_name(item.filename, "evidence"), data))
    return files


def _values(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


def _chosen(form: FormData) -> list[str]:
    return [p for p in form.getlist("precincts") if isinstance(p, str) and p]


# --- disputes -----------------------------------------------------------------------------


def _disputes_page(request: Request, slug: str, state: FormState, chosen: list[str],
                   status: int = 200) -> Response:
    can_change = _can_administer(request)
    story = election_story(deps.uow(request), slug)
    return render(request, "admin/disputes.html", {
        "story": story, "facts": story.facts, "e": story.facts.election, "form": state,
        "chosen": chosen, "can_change": can_change}, status=status)


@router.get("/admin/elections/{slug}/disputes")
def disputes_page(request: Request, slug: str) -> Response:
    return _disputes_page(request, slug, FormState({"poll": "initial"}), [])


@router.post("/admin/elections/{slug}/disputes")
@accepts_uploads
async def file_dispute(request: Request, slug: str) -> Response:
    user = deps.user(request)
    form = await request.form()
    values, chosen = _values(form), _chosen(form)
    try:
        files = await evidence_files(form, deps.config(request))
        number = await run_in_threadpool(
            dispute_service.file_dispute, deps.uow(request), slug, values.get("poll", ""),
            chosen, values.get("complaint", ""), deps.actor(user), files)
    except HustingsError as exc:
        status, problems = _refusal(request, exc)
        state = FormState.of(values, problems, DISPUTE_FIELDS)
        return await run_in_threadpool(_disputes_page, request, slug, state, chosen, status)
    _ = gettext_for(request)
    deps.session(request).set_flash(_("Dispute %(n)s filed.") % {"n": number})
    return RedirectResponse(f"/admin/elections/{slug}/disputes", status_code=303)


# --- rulings ------------------------------------------------------------------------------


def _ruling_page(request: Request, slug: str, number: int, state: FormState,
                 chosen: list[str] | None, status: int = 200) -> Response:
    can_change = _can_administer(request)
    story = election_story(deps.uow(request), slug)
    found = [(d, r) for d, r in story.disputes if d.number == number]
    if not found:
        raise WebError(404, "not_found", f"no dispute {number} in election {slug!r}")
    dispute, ruling = found[0]
    return render(request, "admin/ruling.html", {
        "story": story, "facts": story.facts, "e": story.facts.election, "form": state,
        "dispute": dispute, "ruling": ruling,
        "chosen": list(dispute.precincts) if chosen is None else chosen,
        "can_change": can_change}, status=status)


@router.get("/admin/elections/{slug}/disputes/{number}/ruling")
def ruling_page(request: Request, slug: str, number: int) -> Response:
    return _ruling_page(request, slug, number, FormState(), None)


@router.post("/admin/elections/{slug}/disputes/{number}/ruling")
async def rule(request: Request, slug: str, number: int) -> Response:
    user = deps.user(request)
    form = await request.form()
    values, chosen = _values(form), _chosen(form)
    problems: list[Problem] = []
    revote_day = parse_day(values, "revote_day", problems)
    on = parse_day(values, "on", problems)
    if not values.get("decision"):
        _ = gettext_for(request)
        problems.append(Problem(_("choose a decision"), "form", None,
                                "decision"))
    status = 422
    if not problems:
        try:
            await run_in_threadpool(
                dispute_service.rule, deps.uow(request), slug, number, values["decision"],
                values["reasons"], deps.actor(user), chosen or None, revote_day, on)
        except HustingsError as exc:
            status, problems = _refusal(request, exc)
        else:
            _ = gettext_for(request)
            deps.session(request).set_flash(_("Ruled on dispute %(n)s.") % {"n": number})
            return RedirectResponse(f"/admin/elections/{slug}/disputes", status_code=303)
    state = FormState.of(values, problems, RULING_FIELDS)
    return await run_in_threadpool(_ruling_page, request, slug, number, state, chosen, status)


# --- lifecycle and certification ----------------------------------------------------------


def _status_page(request: Request, slug: str, state: FormState, status: int = 200) -> Response:
    can_change = _can_administer(request)
    story = election_story(deps.uow(request), slug)
    current = story.facts.election.status
    return render(request, "admin/status.html", {
        "story": story, "facts": story.facts, "e": story.facts.election, "form": state,
        "next_steps": sorted(MANUAL[current], key=list(ElectionStatus).index),
        "can_change": can_change}, status=status)


@router.get("/admin/elections/{slug}/status")
def status_page(request: Request, slug: str) -> Response:
    return _status_page(request, slug, FormState())


@router.post("/admin/elections/{slug}/status")
async def advance(request: Request, slug: str) -> Response:
    user = deps.user(request)
    form = await request.form()
    values = _values(form)
    problems: list[Problem] = []
    on = parse_day(values, "on", problems)
    if not values.get("status"):
        _ = gettext_for(request)
        problems.append(Problem(_("choose the next step"), "form", None,
                                "status"))
    status = 422
    if not problems:
        try:
            reached = await run_in_threadpool(lifecycle.advance, deps.uow(request), slug,
                                              values["status"], deps.actor(user), on)
        except HustingsError as exc:
            status, problems = _refusal(request, exc)
        else:
            _ = gettext_for(request)
            deps.session(request).set_flash(
                _("The election's status is now: %(status)s.") % {
                    "status": _(STATUS_NAMES.get(reached.value, reached.value))})
            return RedirectResponse(f"/admin/elections/{slug}", status_code=303)
    state = FormState.of(values, problems, {"status": "status", "on": "on"})
    return await run_in_threadpool(_status_page, request, slug, state, status)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
