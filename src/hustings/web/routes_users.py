"""The accounts page for administrators: who may act, and two actions that need another
administrator — resetting someone's second factor, disabling an account.

Both are the services' commands (services.totp.reset, services.users.disable_user), signed by
the administrator who clicks, exactly as `hustings user totp reset` and `hustings user disable`.
The doors (signed in, administrator even to read, CSRF) are declared once, on the router."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from hustings.domain.errors import HustingsError, PermissionDenied
from hustings.services import totp
from hustings.services import users as user_service
from hustings.services.queries import list_users
from hustings.web import deps
from hustings.web.errors import classify
from hustings.web.forms import FormState
from hustings.web.templating import gettext_for, render

accounts = APIRouter(include_in_schema=False,
                     dependencies=deps.page_doors(deps.ADMINISTER, reading=True))


def _page(request: Request, state: FormState, status: int = 200) -> Response:
    me = deps.user(request)
    return render(request, "admin/users.html", {
        "users": list_users(deps.uow(request)), "me": me.username, "form": state},
        status=status)


@accounts.get("/admin/users")
def users_page(request: Request) -> Response:
    return _page(request, FormState())


async def _act(request: Request, username: str, action: Callable[..., Any],
               done: Callable[[Callable[[str], str]], str]) -> Response:
    user = deps.user(request)
    try:
        await run_in_threadpool(action, deps.uow(request), username, deps.actor(user))
    except HustingsError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        status, _code = classify(exc, request)
        state = FormState(general=[str(exc)])
        return await run_in_threadpool(_page, request, state, status)
    _ = gettext_for(request)
    deps.session(request).set_flash(done(_) % {"name": username})
    return RedirectResponse("/admin/users", status_code=303)


@accounts.post("/admin/users/{username}/totp-reset")
async def reset_second_factor(request: Request, username: str) -> Response:
    """Another administrator's lost authenticator: their second factor off, sessions ended."""
    return await _act(request, username, totp.reset, lambda _: _(
        "Reset the second factor of %(name)s: their sessions have ended; they can sign in "
        "with their password and enrol again."))


@accounts.post("/admin/users/{username}/disable")
async def disable(request: Request, username: str) -> Response:
    return await _act(request, username, user_service.disable_user, lambda _: _(
        "Disabled %(name)s: they can no longer sign in or act."))
