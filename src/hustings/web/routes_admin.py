"""Sign-in and the administration pages.

The doors (signed in, role, CSRF) are declared once per router: GET pages are open to every
signed-in role (observers read, change nothing); a POST on `administration` needs an
administrator, on `tallying` an administrator or a clerk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from hustings.domain.errors import HustingsError, InvalidInput, PermissionDenied, Problem
from hustings.domain.polling import TallySheet
from hustings.domain.users import Role
from hustings.services import ballots as ballot_service
from hustings.services import elections as election_service
from hustings.services import members as member_service
from hustings.services import online as online_service
from hustings.services import results as results_service
from hustings.services import tallies as tally_service
from hustings.services.elections import INITIAL_POLL
from hustings.services.identity import Signer
from hustings.services.queries import list_elections, sheet_standing
from hustings.services.web_queries import bodies, election_facts
from hustings.web import deps, views
from hustings.web.errors import WebError, classify
from hustings.web.forms import FormState, whole_numbers
from hustings.web.limits import accepts_uploads
from hustings.web.security import CSRF_FIELD
from hustings.web.templating import gettext_for, render
from hustings.web.uploads import as_text, read_file_field

router = APIRouter(include_in_schema=False)  # signing in and out
administration = APIRouter(include_in_schema=False, dependencies=deps.page_doors(deps.ADMINISTER))
tallying = APIRouter(include_in_schema=False, dependencies=deps.page_doors(deps.ENTER_TALLIES))

TALLY_NUMBERS = ("registered", "ballots_cast", "blank", "invalid")


def _safe_next(target: str | None) -> str:
    """Only local paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin"


def _can(user: Signer, allowed: tuple[Role, ...]) -> bool:
    return user.role is Role.ADMINISTRATOR or user.role in allowed


# --- signing in and out -------------------------------------------------------------------


@router.get("/signin")
def signin_page(request: Request, next: str = "/admin") -> Response:
    deps.current_user(request)
    return render(request, "signin.html", {"form": FormState({"next": _safe_next(next)})})


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Step 1: the password. Users with a second factor go on to step 2 (/signin/code)."""
    form = await request.form()
    deps.check_csrf(request, _str(form.get(CSRF_FIELD)))
    username, password = _str(form.get("username")), _str(form.get("password"))
    values = {"username": username, "next": _safe_next(_str(form.get("next")))}
    _ = gettext_for(request)
    try:
        user = await run_in_threadpool(deps.password_checked, request, username, password)
    except PermissionDenied:
        state = FormState(values, general=[_("Wrong username or password.")])
        return render(request, "signin.html", {"form": state}, status=401)
    except WebError as exc:
        return _too_many(request, "signin.html", values, exc)
    if await run_in_threadpool(deps.needs_code, request, user):
        await run_in_threadpool(deps.await_code, request, user)
        return render(request, "signin_code.html", {"form": FormState(values)})
    return await _signed_in(request, user, values["next"])


@router.post("/signin/code")
async def signin_code(request: Request) -> Response:
    """Step 2 for users with a second factor: the code of their authenticator app."""
    form = await request.form()
    deps.check_csrf(request, _str(form.get(CSRF_FIELD)))
    values = {"next": _safe_next(_str(form.get("next")))}
    _ = gettext_for(request)
    user = await run_in_threadpool(deps.pending_user, request)
    if user is None:
        state = FormState(values, general=[_("Sign in again: the code was not given in time.")])
        return render(request, "signin.html", {"form": state}, status=401)
    try:
        await run_in_threadpool(deps.code_checked, request, user, _str(form.get("code")))
    except PermissionDenied as exc:
        state = FormState(values, general=[_("The code was not accepted: %(why)s.")
                                           % {"why": str(exc)}])
        return render(request, "signin_code.html", {"form": state}, status=401)
    except WebError as exc:
        return _too_many(request, "signin_code.html", values, exc)
    return await _signed_in(request, user, values["next"])


def _too_many(request: Request, template: str, values: dict[str, str],
              exc: WebError) -> Response:
    _ = gettext_for(request)
    state = FormState(values, general=[_("Too many failed sign-ins. Wait a few minutes "
                                         "and try again.")])
    response = render(request, template, {"form": state}, status=exc.status)
    response.headers.update(exc.headers)
    return response


async def _signed_in(request: Request, user: Signer, target: str) -> Response:
    await run_in_threadpool(deps.signed_in_fully, request, user)
    await run_in_threadpool(deps.start_session, request, user)
    _ = gettext_for(request)
    deps.session(request).set_flash(_("Signed in as %(name)s.") % {"name": user.username})
    return RedirectResponse(target, status_code=303)


@router.post("/signout")
async def signout(request: Request) -> Response:
    form = await request.form()
    deps.check_csrf(request, _str(form.get(CSRF_FIELD)))
    await run_in_threadpool(deps.end_session, request)
    return RedirectResponse("/", status_code=303)


# --- overview -----------------------------------------------------------------------------


@administration.get("/admin")
def admin_home(request: Request) -> Response:
    user = deps.user(request)
    factory = deps.uow(request)
    return render(request, "admin/index.html", {
        "elections": list_elections(factory), "bodies": bodies(factory),
        "can_administer": _can(user, deps.ADMINISTER)})


@administration.get("/admin/elections/{slug}")
def admin_election(request: Request, slug: str) -> Response:
    user = deps.user(request)
    factory = deps.uow(request)
    facts = election_facts(factory, slug)
    return render(request, "admin/election.html", {
        "facts": facts, "e": facts.election,
        "result": results_service.election_result(factory, slug),
        "can_administer": _can(user, deps.ADMINISTER),
        "can_enter": _can(user, deps.ENTER_TALLIES)})


# --- uploads: election definitions, members, precincts, tally sheets ----------------------


class Upload:
    """One upload form: its page, the roles it needs and the service it feeds."""

    def __init__(self, template: str, allowed: tuple[Role, ...], default_name: str,
                 run: Callable[[Request, Signer, bytes, str, dict[str, str]], Any],
                 done: Callable[[Request, Any, dict[str, str]], tuple[str, str]]):
        self.template, self.allowed, self.default_name = template, allowed, default_name
        self.run, self.done = run, done

    def page(self, request: Request, state: FormState, extra: dict[str, Any],
             status: int = 200) -> Response:
        user = deps.user(request)
        return render(request, self.template, {
            "form": state, "can_change": _can(user, self.allowed), **extra}, status=status)

    async def post(self, request: Request, extra: dict[str, Any],
                   fixed: dict[str, str] | None = None) -> Response:
        """Run the service (the router's doors have passed); the form again with problems on
        refusal. `fixed` values (e.g. the election's slug from the path) override the form's.
        """
        user = deps.user(request)
        form = await request.form()
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
        values.update(fixed or {})
        try:
            data, source = await read_file_field(request, deps.config(request),
                                                 default=self.default_name)
            outcome = await run_in_threadpool(self.run, request, user, data, source, values)
        except WebError as exc:
            if exc.status != 422:
                raise
            state = FormState.of(values, exc.problems, {"file": "file"})
            return await run_in_threadpool(self.page, request, state, extra, 422)
        except HustingsError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            status, _code = classify(exc, request)
            problems = exc.problems if isinstance(exc, InvalidInput) else [Problem(str(exc))]
            state = FormState.of(values, problems, {})
            return await run_in_threadpool(self.page, request, state, extra, status)
        target, message = await run_in_threadpool(self.done, request, outcome, values)
        deps.session(request).set_flash(message)
        return RedirectResponse(target, status_code=303)


def _create_election(request: Request, user: Signer, data: bytes, source: str,
                     values: dict[str, str]) -> Any:
    return election_service.create_election(deps.uow(request), as_text(data, source), source,
                                            deps.actor(user))


def _created(request: Request, election: Any, values: dict[str, str]) -> tuple[str, str]:
    _ = gettext_for(request)
    return (f"/admin/elections/{election.slug}",
            _("Election %(slug)s created.") % {"slug": election.slug})


NEW_ELECTION = Upload("admin/new_election.html", deps.ADMINISTER, "election.toml",
                      _create_election, _created)


@administration.get("/admin/elections-new")
def new_election_page(request: Request) -> Response:
    return NEW_ELECTION.page(request, FormState(), {})


@administration.post("/admin/elections-new")
@accepts_uploads
async def new_election(request: Request) -> Response:
    return await NEW_ELECTION.post(request, {})


def _import_members(request: Request, user: Signer, data: bytes, source: str,
                    values: dict[str, str]) -> Any:
    body = values.get("body", "")
    if not body:
        _ = gettext_for(request)
        raise InvalidInput(Problem(_("choose a body"), "form", None, "body"))
    return member_service.import_members(deps.uow(request), body, data, source, deps.actor(user))


def _members_done(request: Request, n: Any, values: dict[str, str]) -> tuple[str, str]:
    _ = gettext_for(request)
    return "/admin", _("Imported %(n)s members into %(body)s.") % {"n": n, "body": values["body"]}


MEMBERS = Upload("admin/members.html", deps.ADMINISTER, "members.csv", _import_members,
                 _members_done)


@administration.get("/admin/members")
def members_page(request: Request) -> Response:
    return MEMBERS.page(request, FormState(), {"bodies": bodies(deps.uow(request))})


@administration.post("/admin/members")
@accepts_uploads
async def members_import(request: Request) -> Response:
    found = await run_in_threadpool(bodies, deps.uow(request))
    return await MEMBERS.post(request, {"bodies": found})


def _import_precincts(request: Request, user: Signer, data: bytes, source: str,
                      values: dict[str, str]) -> Any:
    return election_service.import_precincts(deps.uow(request), values["slug"], data, source,
                                             deps.actor(user))


def _import_tallies(request: Request, user: Signer, data: bytes, source: str,
                    values: dict[str, str]) -> Any:
    return tally_service.import_tallies(deps.uow(request), values["slug"], data, source,
                                        deps.actor(user))


def _import_ballots(request: Request, user: Signer, data: bytes, source: str,
                    values: dict[str, str]) -> Any:
    return ballot_service.import_ballots(deps.uow(request), values["slug"], data, source,
                                         deps.actor(user))


def _ballots_done(request: Request, done: Any, values: dict[str, str]) -> tuple[str, str]:
    """Say what the service returned: each precinct's status, never a blanket 'accepted'."""
    _ = gettext_for(request)
    counted = sum(s == "accepted" for s in done.status.values())
    return (f"/admin/elections/{values['slug']}",
            _("Stored %(n)s ballots in %(p)s precincts: %(a)s accepted, %(w)s awaiting a second "
              "import, %(m)s mismatched.") % {
                "n": f"{sum(done.ballots.values()):,}", "p": len(done.ballots), "a": counted,
                "w": sum(s == "awaiting second entry" for s in done.status.values()),
                "m": sum(s == "mismatch" for s in done.status.values())})


def _imported(what: str) -> Callable[[Request, Any, dict[str, str]], tuple[str, str]]:
    def done(request: Request, n: Any, values: dict[str, str]) -> tuple[str, str]:
        _ = gettext_for(request)
        target = f"/admin/elections/{values['slug']}"
        if what == "precincts":
            return target, _("Imported %(n)s precincts.") % {"n": n}
        standing = sheet_standing(deps.uow(request), values["slug"], INITIAL_POLL)
        return target, _("Stored %(n)s tally sheets. Precincts accepted: %(accepted)s; awaiting "
                         "a second entry: %(awaiting)s; not matching: %(mismatch)s.") % {
            "n": n, "accepted": standing.get("accepted", 0),
            "awaiting": standing.get("awaiting second entry", 0),
            "mismatch": standing.get("mismatch", 0)}

    return done


PRECINCTS = Upload("admin/precincts.html", deps.ADMINISTER, "precincts.csv", _import_precincts,
                   _imported("precincts"))
TALLIES = Upload("admin/tally_import.html", deps.ENTER_TALLIES, "tally.csv", _import_tallies,
                 _imported("tallies"))


BALLOTS = Upload("admin/ballots_import.html", deps.ENTER_TALLIES, "ballots.csv",
                 _import_ballots, _ballots_done)


def _slugged(request: Request, slug: str) -> dict[str, Any]:
    return {"e": election_facts(deps.uow(request), slug).election}


@administration.get("/admin/elections/{slug}/precincts")
def precincts_page(request: Request, slug: str) -> Response:
    return PRECINCTS.page(request, FormState(), _slugged(request, slug))


@administration.post("/admin/elections/{slug}/precincts")
@accepts_uploads
async def precincts_import(request: Request, slug: str) -> Response:
    extra = await run_in_threadpool(_slugged, request, slug)
    return await PRECINCTS.post(request, extra, {"slug": slug})


@tallying.get("/admin/elections/{slug}/tally/import")
def tally_import_page(request: Request, slug: str) -> Response:
    return TALLIES.page(request, FormState(), _slugged(request, slug))


@tallying.post("/admin/elections/{slug}/tally/import")
@accepts_uploads
async def tally_import(request: Request, slug: str) -> Response:
    extra = await run_in_threadpool(_slugged, request, slug)
    return await TALLIES.post(request, extra, {"slug": slug})


@tallying.get("/admin/elections/{slug}/ballots/import")
def ballots_import_page(request: Request, slug: str) -> Response:
    return BALLOTS.page(request, FormState(), _slugged(request, slug))


@tallying.post("/admin/elections/{slug}/ballots/import")
@accepts_uploads
async def ballots_import(request: Request, slug: str) -> Response:
    extra = await run_in_threadpool(_slugged, request, slug)
    return await BALLOTS.post(request, extra, {"slug": slug})


# --- freezing the roll --------------------------------------------------------------------


@administration.get("/admin/elections/{slug}/roll")
def roll_page(request: Request, slug: str) -> Response:
    user = deps.user(request)
    facts = election_facts(deps.uow(request), slug)
    return render(request, "admin/roll.html", {
        "facts": facts, "e": facts.election, "form": FormState(),
        "can_change": _can(user, deps.ADMINISTER)})


@administration.post("/admin/elections/{slug}/roll")
async def roll_freeze(request: Request, slug: str) -> Response:
    user = deps.user(request)
    _ = gettext_for(request)
    try:
        roll = await run_in_threadpool(election_service.freeze_roll, deps.uow(request), slug,
                                       deps.actor(user))
    except HustingsError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        status, _code = classify(exc, request)
        problems = exc.problems if isinstance(exc, InvalidInput) else [Problem(str(exc))]
        facts = await run_in_threadpool(election_facts, deps.uow(request), slug)
        return render(request, "admin/roll.html", {
            "facts": facts, "e": facts.election, "form": FormState.of({}, problems, {}),
            "can_change": True}, status=status)
    deps.session(request).set_flash(
        _("Roll frozen: %(n)s voters.") % {"n": f"{roll.size:,}"})
    return RedirectResponse(f"/admin/elections/{slug}", status_code=303)


# --- entering one tally sheet -------------------------------------------------------------


def _tally_context(request: Request, slug: str, state: FormState,
                   poll_key: str) -> dict[str, Any]:
    """The form of one poll's sheet: its precincts and the candidates on its ballot."""
    user = deps.user(request)
    factory = deps.uow(request)
    facts = election_facts(factory, slug)
    result = results_service.election_result(factory, slug)
    poll = next((p for p in facts.polls if p.key == poll_key), None)
    if poll is None:
        raise WebError(404, "not_found", f"no poll {poll_key!r} in election {slug!r}")
    return {"facts": facts, "e": facts.election, "form": state, "poll": poll,
            "candidates": [c for c in facts.election.candidates
                           if poll.candidates is None or c.key in poll.candidates],
            "precincts": [p for p in facts.precincts if p.code in poll.precincts],
            "waiting": views.waiting(facts, result),
            "can_change": _can(user, deps.ENTER_TALLIES)}


@tallying.get("/admin/elections/{slug}/pollbook")
def pollbook_page(request: Request, slug: str, precinct: str = "") -> Response:
    """The stations' poll book: the roll with the members who voted online marked."""
    facts = election_facts(deps.uow(request), slug)
    rows = online_service.poll_book(deps.uow(request), slug, precinct or None)
    return render(request, "admin/pollbook.html", {
        "slug": slug, "precinct": precinct, "rows": rows,
        "voted": sum(1 for row in rows if row[3]),
        "at_station": sum(1 for row in rows if row[4]),
        "precincts": [p.code for p in facts.precincts]})


@tallying.get("/admin/elections/{slug}/tally/enter")
def tally_enter_page(request: Request, slug: str,
                     poll: str = election_service.INITIAL_POLL) -> Response:
    return render(request, "admin/tally_enter.html",
                  _tally_context(request, slug, FormState(), poll))


@tallying.post("/admin/elections/{slug}/tally/enter")
async def tally_enter(request: Request, slug: str) -> Response:
    user = deps.user(request)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}
    poll_key = values.get("poll") or election_service.INITIAL_POLL
    context = await run_in_threadpool(_tally_context, request, slug, FormState(), poll_key)
    keys = [c.key for c in context["candidates"]]
    numbers = {name: name for name in TALLY_NUMBERS} | {f"votes_{k}": k for k in keys}
    fields = {v: k for k, v in numbers.items()} | {"precinct": "precinct"}
    parsed, problems = whole_numbers(values, numbers)
    precinct = values.get("precinct", "").strip()
    if not precinct:
        _ = gettext_for(request)
        problems.append(Problem(_("choose a precinct"), "form", None,
                                "precinct"))
    status = 422
    if not problems:
        sheet = TallySheet(poll_key, precinct, parsed["registered"],
                           parsed["ballots_cast"], {k: parsed[f"votes_{k}"] for k in keys},
                           parsed["blank"], parsed["invalid"])
        try:
            standing = await run_in_threadpool(tally_service.enter_tally, deps.uow(request),
                                               slug, sheet, deps.actor(user))
        except HustingsError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            status, _code = classify(exc, request)
            problems = exc.problems if isinstance(exc, InvalidInput) else [Problem(str(exc))]
        else:
            _ = gettext_for(request)
            deps.session(request).set_flash(entered_message(_, precinct, standing))
            return RedirectResponse(f"/admin/elections/{slug}/tally/enter?poll="
                                    f"{quote(poll_key, safe='')}", status_code=303)
    state = FormState.of(values, problems, fields)
    context = await run_in_threadpool(_tally_context, request, slug, state, poll_key)
    return render(request, "admin/tally_enter.html", context, status=status)


def entered_message(_: Callable[[str], str], precinct: str, standing: str) -> str:
    """What the tally service said about the sheet, in words (never "accepted" too soon)."""
    values = {"precinct": precinct, "status": standing}
    if standing == "accepted":
        return _("The tally sheet of %(precinct)s is accepted.") % values
    if standing == "awaiting second entry":
        return _("Stored your entry of %(precinct)s's tally sheet; it is awaiting a second "
                 "clerk's entry.") % values
    if standing == "mismatch":
        return _("Stored your entry of %(precinct)s's tally sheet, but it does not match the "
                 "other clerk's: see the tally status.") % values
    return _("Stored your entry of %(precinct)s's tally sheet (%(status)s).") % values


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""
