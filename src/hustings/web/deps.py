"""What handlers share: the services' unit of work, the signed-in user, role and CSRF checks.

Who may do what is decided in services: `services.authz` authorises every command (web, API and
command line alike); the role tuples here only decide early which pages a role may open.
The signed-in user is a `Signer` resumed from the server-side session (services.sessions).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request

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
from hustings.web.security import CSRF_HEADER, RateLimiter, Session

ADMINISTER: tuple[Role, ...] = ()  # administrators only
ENTER_TALLIES: tuple[Role, ...] = (Role.CLERK,)
VIEW_ADMIN: tuple[Role, ...] = (Role.CLERK, Role.OBSERVER)


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


def authorise(request: Request, allowed: tuple[Role, ...]) -> Signer:
    """The user if their role allows the action; PermissionDenied (401/403) otherwise."""
    user: Signer = require_role(current_user(request), *allowed)
    return user


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


def changed(request: Request, slug: str) -> None:
    """Tell the live pages' watchers (SSE) that an election's figures may have changed."""
    request.app.state.broadcaster.notify(slug)


def election_exists(request: Request, slug: str) -> None:
    """NotFound (404) unless the election exists."""
    get_election(uow(request), slug)
