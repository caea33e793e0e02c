"""The signed-in user's own account: their second factor (services.totp).

Every role may enrol themselves; the doors are those of every page (signed in, CSRF)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from hustings.domain.users import Role
from hustings.services import totp
from hustings.web import deps
from hustings.web.templating import render

account = APIRouter(include_in_schema=False, dependencies=deps.page_doors(tuple(Role)))


@account.get("/account/totp")
def totp_page(request: Request) -> Response:
    user = deps.user(request)
    enrolled = totp.enrolled(deps.uow(request), user.username)
    return render(request, "account_totp.html", {"enrolled": enrolled, "enrolment": None})


@account.post("/account/totp")
async def totp_enrol(request: Request) -> Response:
    """Enrol: the secret is shown once, as text and as an otpauth:// URI."""
    user = deps.user(request)
    enrolment = await run_in_threadpool(totp.enrol, deps.uow(request), deps.actor(user))
    response = render(request, "account_totp.html", {"enrolled": True, "enrolment": enrolment})
    response.headers["cache-control"] = "no-store"
    return response
