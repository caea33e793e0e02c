"""The one mapping from errors to HTTP: domain errors, web refusals and bad requests.

Every 4xx from /api has the same body:
`{"error": {"code": str, "message": str, "problems": [{"source", "line", "field", "message"}]}}`.
Pages get the same status with an HTML page instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hustings.bootstrap import record_incident
from hustings.domain.errors import (
    AlreadyExists,
    HustingsError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Problem,
    RuleViolation,
    Unavailable,
)
from hustings.web.templating import render

DOMAIN_STATUS: tuple[tuple[type[HustingsError], int, str], ...] = (
    (InvalidInput, 422, "invalid_input"),
    (NotFound, 404, "not_found"),
    (AlreadyExists, 409, "already_exists"),
    (RuleViolation, 409, "rule_violation"),
    (PermissionDenied, 403, "forbidden"),
    (Unavailable, 503, "unavailable"),
)
HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large",
              415: "unsupported_media_type", 422: "invalid_input", 429: "too_many_requests",
              500: "internal_error", 503: "unavailable"}


class WebError(Exception):
    """A refusal made by the web layer itself (CSRF, rate limit, size, media type)."""

    def __init__(self, status: int, code: str, message: str,
                 problems: Sequence[Problem] = (), headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.problems = list(problems)
        self.headers = dict(headers or {})


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def signed_in(request: Request) -> bool:
    return getattr(request.state, "user", None) is not None


def classify(error: HustingsError, request: Request) -> tuple[int, str]:
    """(status, code) for a domain error; PermissionDenied is 401 for anonymous visitors."""
    if isinstance(error, PermissionDenied) and not signed_in(request):
        return 401, "unauthenticated"
    for kind, status, code in DOMAIN_STATUS:
        if isinstance(error, kind):
            return status, code
    return 400, "bad_request"


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {"source": problem.source, "line": problem.line, "field": problem.field,
            "message": problem.message}


def error_body(code: str, message: str, problems: Sequence[Problem] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message,
                      "problems": [problem_dict(p) for p in problems]}}


def validation_problems(error: RequestValidationError) -> list[Problem]:
    """Pydantic's errors as located problems: source is body/query/path, field the key path."""
    problems = []
    for item in error.errors():
        loc = [str(part) for part in item.get("loc", ())]
        source = loc[0] if loc else None
        problems.append(Problem(str(item.get("msg", "invalid")), source, None,
                                ".".join(loc[1:]) or None))
    return problems


def error_message(error: HustingsError) -> str:
    if isinstance(error, InvalidInput):
        count = len(error.problems)
        return error.problems[0].message if count == 1 else f"{count} problems in the input"
    return str(error) or type(error).__name__


def _respond(request: Request, status: int, code: str, message: str,
             problems: Sequence[Problem] = ()) -> Response:
    if is_api(request):
        return JSONResponse(error_body(code, message, problems), status_code=status)
    if status == 401 and request.method in ("GET", "HEAD"):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/signin?next={target}", status_code=303)
    if message == _phrase(status):
        message = ""  # the page's heading says it, in the reader's language
    return render(request, "error.html", {"status": status, "code": code, "message": message,
                                          "problems": problems}, status=status)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def install(app: FastAPI) -> None:
    """Register the handlers; after this no user mistake reaches the client as a 5xx."""

    async def domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HustingsError)
        status, code = classify(exc, request)
        problems = exc.problems if isinstance(exc, InvalidInput) else []
        return _respond(request, status, code, error_message(exc), problems)

    async def web(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        response = _respond(request, exc.status, exc.code, exc.message, exc.problems)
        response.headers.update(exc.headers)
        return response

    async def validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = validation_problems(exc)
        message = problems[0].message if len(problems) == 1 else \
            f"{len(problems)} problems in the request"
        return _respond(request, 422, "invalid_input", message, problems)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = HTTP_CODES.get(exc.status_code, "error")
        response = _respond(request, exc.status_code, code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    app.add_exception_handler(HustingsError, domain)
    app.add_exception_handler(WebError, web)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)


class Incidents:
    """ASGI middleware, the one catch-all: an unexpected exception becomes a short 500 answer
    (JSON under /api, a page elsewhere) with an incident id; its traceback goes to the
    incident log (`bootstrap.incident_log`), never to the client."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:  # noqa: BLE001 - the one catch-all of the web
            incident, _log = record_incident(exc, f"{scope['method']} {scope['path']}")
            if started:  # too late to answer: the log has it
                return
            request = Request(scope, receive)
            message = (f"something went wrong inside hustings (incident {incident}); the "
                       "operator can find the details under this id")
            response = _respond(request, 500, "internal_error", message)
            response.headers["x-incident"] = incident
            await response(scope, receive, send)
