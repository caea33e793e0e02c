"""What handlers share: the services' unit of work, the signed-in user, role and CSRF checks.

Who may do what is decided here once: administrators everything, clerks tally sheets,
observers nothing that changes data (`services.users.require_role` applies it).
"""

from __future__ import annotations

from fastapi import Request

from hustings.domain.errors import PermissionDenied
from hustings.domain.users import Role, User
from hustings.services.commands import Context
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.queries import get_election
from hustings.services.users import authenticate, require_role
from hustings.services.web_queries import find_user
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


def current_user(request: Request) -> User | None:
    """The signed-in user (looked up once per request), or None."""
    if "user" not in request.state._state:
        name = session(request).username
        request.state.user = find_user(uow(request), name) if name else None
    user: User | None = request.state.user
    return user


def authorise(request: Request, allowed: tuple[Role, ...]) -> User:
    """The user if their role allows the action; PermissionDenied (401/403) otherwise."""
    return require_role(current_user(request), *allowed)


def actor(user: User) -> Context:
    return Context(actor=user.username)


def check_csrf(request: Request, submitted: str | None) -> None:
    if not session(request).csrf_ok(submitted):
        raise WebError(403, "csrf_failed", "the form or request is missing its CSRF token, or it "
                       "has expired: reload the page and try again")


def check_csrf_header(request: Request) -> None:
    check_csrf(request, request.headers.get(CSRF_HEADER))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def sign_in_checked(request: Request, username: str, password: str) -> User:
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
