"""What handlers share: the services' unit of work, the signed-in user, and the doors every
state-changing route passes (signed in, role, CSRF, then the input).

Who may do what is decided in services: `services.authz` authorises every command (web, API and
command line alike); the role tuples here only open the doors early, so that a wrong role gets
403 before its input is read. The signed-in user is a `Signer` resumed from the server-side
session (services.sessions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from hustings.domain.errors import PermissionDenied
from hustings.domain.users import Role
from hustings.services import throttle, totp
from hustings.services.commands import Context, as_user
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.queries import get_election
from hustings.services.sessions import SessionPolicy, close_session, open_session, resume_session
from hustings.services.users import authenticate, require_role
from hustings.web.config import WebConfig
from hustings.web.errors import WebError
from hustings.web.security import CSRF_FIELD, CSRF_HEADER, Session

M = TypeVar("M", bound=BaseModel)
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))

ADMINISTER: tuple[Role, ...] = ()  # administrators only
ENTER_TALLIES: tuple[Role, ...] = (Role.CLERK,)


def uow(request: Request) -> UnitOfWorkFactory:
    factory: UnitOfWorkFactory = request.app.state.uow_factory
    return factory


def config(request: Request) -> WebConfig:
    web_config: WebConfig = request.app.state.web_config
    return web_config


def session(request: Request) -> Session:
    value: Session = request.state.session
    return value


def current_user(request: Request) -> Signer | None:
    """The signed-in user (resumed once per request from the server-side session), or None."""
    if "user" not in request.state._state:
        token = session(request).token
        web = config(request)
        policy = SessionPolicy(idle=timedelta(seconds=web.session_idle),
                               absolute=timedelta(seconds=web.session_max_age))
        request.state.user = resume_session(uow(request), token, policy) if token else None
    user: Signer | None = request.state.user
    return user


def user(request: Request) -> Signer:
    """The signed-in user of a route behind the doors (they have checked it)."""
    found = current_user(request)
    if found is None:
        raise PermissionDenied("sign in first")
    return found


def authorise(request: Request, allowed: tuple[Role, ...]) -> Signer:
    """The user if their role allows the action; PermissionDenied (401/403) otherwise."""
    signed: Signer = require_role(current_user(request), *allowed)
    return signed


def actor(user: Signer) -> Context:
    """The command context of the signed-in user, who signs what the command logs."""
    return as_user(user)


def start_session(request: Request, user: Signer) -> None:
    """A new server-side session (a new id: rotated at every sign-in) and a new CSRF token."""
    for old in (session(request).token, session(request).pending):
        if old:
            close_session(uow(request), old)
    session(request).sign_in(open_session(uow(request), user))
    request.state.user = user


def end_session(request: Request) -> None:
    """Sign out: the server-side session ends, so the old cookie is refused everywhere."""
    close_session(uow(request), session(request).token)
    session(request).sign_out()
    request.state.user = None


def check_csrf(request: Request, submitted: str | None) -> None:
    if not session(request).csrf_ok(submitted):
        raise WebError(403, "csrf_failed", "the form or request is missing its CSRF token, or it "
                       "has expired: reload the page and try again")


def check_csrf_header(request: Request) -> None:
    check_csrf(request, request.headers.get(CSRF_HEADER))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def too_many(refusal: throttle.Refusal) -> WebError:
    return WebError(429, "too_many_requests", refusal.message,
                    headers={"retry-after": str(refusal.retry_after)})


def password_checked(request: Request, username: str, password: str) -> Signer:
    """authenticate() behind the failed-sign-in limits (services.throttle: per user name, per
    client address, overall); a failure is counted."""
    limits: throttle.Limits = request.app.state.signin_limits
    factory, address = uow(request), client_address(request)
    refused = throttle.refusal(factory, limits, username, address)
    if refused is not None:
        raise too_many(refused)
    try:
        return authenticate(factory, username, password)
    except PermissionDenied:
        throttle.failed(factory, limits, username, address)
        raise


def code_checked(request: Request, user: Signer, code: str) -> None:
    """The second factor's code, behind the same limits; a wrong code counts as a failure."""
    limits: throttle.Limits = request.app.state.signin_limits
    factory, address = uow(request), client_address(request)
    refused = throttle.refusal(factory, limits, user.username, address)
    if refused is not None:
        raise too_many(refused)
    try:
        totp.verify(factory, user, code)
    except PermissionDenied:
        throttle.failed(factory, limits, user.username, address)
        raise


def signed_in_fully(request: Request, user: Signer) -> None:
    """A complete sign-in clears that user name's failures from this address."""
    throttle.succeeded(uow(request), user.username, client_address(request))


def needs_code(request: Request, user: Signer) -> bool:
    return totp.enrolled(uow(request), user.username)


def sign_in_checked(request: Request, username: str, password: str,
                    code: str | None = None) -> Signer:
    """Password, then (for users with a second factor) the code, in one request (the API)."""
    user = password_checked(request, username, password)
    if needs_code(request, user):
        if not code:
            raise PermissionDenied(f"{username!r} signs in with a second factor: send the "
                                   "6-digit code of their authenticator app as `code`")
        code_checked(request, user, code)
    signed_in_fully(request, user)
    return user


PENDING = SessionPolicy(idle=timedelta(minutes=5), absolute=timedelta(minutes=5))


def await_code(request: Request, user: Signer) -> None:
    """Step 1 of 2 on the pages: the password was right; a pending session (its key sealed
    like any session's) waits at most five minutes for the code."""
    session(request).await_code(open_session(uow(request), user))


def pending_user(request: Request) -> Signer | None:
    """The user whose password was right and whose code is awaited, if still in time."""
    token = session(request).pending
    return resume_session(uow(request), token, PENDING) if token else None


def election_exists(request: Request, slug: str) -> None:
    """NotFound (404) unless the election exists."""
    get_election(uow(request), slug)


# --- the doors: every state-changing route passes them in this order ----------------------
#
# 1. authentication (401), 2. the role (403), 3. the CSRF token (403), and only then
# 4. the input (413 by the body limit, 415, 422). Routers declare them once
# (`dependencies=page_doors(...)` / `api_doors(...)`); handlers receive the user through
# `Depends(signed_in)`, which FastAPI resolves once per request.


def signed_in(request: Request) -> Signer:
    """Door 1: a signed-in user, or PermissionDenied (401 for anonymous visitors)."""
    return require_role(current_user(request), *Role)


def role_door(allowed: tuple[Role, ...], reading: bool = False) -> Callable[[Request], None]:
    """Door 2: a change needs one of `allowed` (administrators always); reading pages needs
    only door 1, unless `reading` (pages only those roles may see, such as the accounts)."""

    def role(request: Request) -> None:
        if reading or request.method not in SAFE_METHODS:
            require_role(current_user(request), *allowed)

    return role


def csrf_header_door(request: Request) -> None:
    """Door 3 of the API: the `X-CSRF-Token` header on every change."""
    if request.method not in SAFE_METHODS:
        check_csrf_header(request)


async def csrf_form_door(request: Request) -> None:
    """Door 3 of the pages: the form's `csrf_token` field (or the header) on every change.
    The form is read within the body limit and kept for the handler."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if submitted is None and content_type.startswith(("multipart/form-data",
                                                      "application/x-www-form-urlencoded")):
        value = (await request.form()).get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    check_csrf(request, submitted)


def page_doors(allowed: tuple[Role, ...], reading: bool = False) -> list[Any]:
    return [Depends(signed_in), Depends(role_door(allowed, reading)), Depends(csrf_form_door)]


def api_doors(allowed: tuple[Role, ...]) -> list[Any]:
    return [Depends(signed_in), Depends(role_door(allowed)), Depends(csrf_header_door)]


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """Door 4 for JSON bodies: parsed and validated after the other doors (a body declared in
    the signature would be read before them). Errors are located like FastAPI's own."""

    async def parse(request: Request) -> M:
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("application/json"):
            raise WebError(415, "unsupported_media_type", "send the body as application/json")
        try:
            raw = await request.json()
        except ValueError:
            raise WebError(422, "invalid_input", "the body is not JSON") from None
        return validated(model, raw)

    return parse


def validated(model: type[M], raw: object) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])}
                                      for e in exc.errors()]) from None


def json_body_spec(model: type[BaseModel]) -> dict[str, Any]:
    """`openapi_extra` documenting a `json_body(model)` request body (its schema inlined)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": inline(schema)}}}}
