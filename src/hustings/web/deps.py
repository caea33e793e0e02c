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
from hustings.services.commands import Context, as_user
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.queries import get_election
from hustings.services.sessions import SessionPolicy, close_session, open_session, resume_session
from hustings.services.users import authenticate, require_role
from hustings.web.config import WebConfig
from hustings.web.errors import WebError
from hustings.web.security import CSRF_FIELD, CSRF_HEADER, RateLimiter, Session

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
    old = session(request).token
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


def sign_in_checked(request: Request, username: str, password: str) -> Signer:
    """authenticate() behind the sign-in rate limit (per username and client address)."""
    limiter: RateLimiter = request.app.state.signin_limiter
    key = f"{username.casefold()}|{client_address(request)}"
    if limiter.blocked(key):
        raise WebError(429, "too_many_requests",
                       "too many failed sign-ins: wait a few minutes and try again")
    try:
        user = authenticate(uow(request), username, password)
    except PermissionDenied:
        limiter.failed(key)
        raise
    limiter.succeeded(key)
    return user


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


def role_door(allowed: tuple[Role, ...]) -> Callable[[Request], None]:
    """Door 2: a change needs one of `allowed` (administrators always); reading pages needs
    only door 1."""

    def role(request: Request) -> None:
        if request.method not in SAFE_METHODS:
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


def page_doors(allowed: tuple[Role, ...]) -> list[Any]:
    return [Depends(signed_in), Depends(role_door(allowed)), Depends(csrf_form_door)]


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
