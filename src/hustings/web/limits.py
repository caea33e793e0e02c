"""Request body limits on every route, enforced while the body streams in.

Every request body is limited to `WebConfig.max_form_bytes` (sign-in, sign-out, forms, JSON),
except on the routes marked `@accepts_uploads`, which take up to `WebConfig.max_upload_bytes`
(plus room for the multipart framing). A declared `Content-Length` over the limit is refused
before a byte is read; a chunked body is counted as it arrives and refused as soon as it passes
the limit, so nothing over the limit is buffered in memory or spooled to disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

F = TypeVar("F", bound=Callable[..., Any])
MULTIPART_ALLOWANCE = 1024 * 1024  # boundaries and part headers around an upload


def accepts_uploads(endpoint: F) -> F:
    """Mark a route whose body may be an upload (the larger limit applies)."""
    endpoint.hustings_uploads = True  # type: ignore[attr-defined]
    return endpoint


class TooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is limited to {limit:,} bytes here")


class BodyLimit:
    """ASGI middleware. The route is known once routing has run, i.e. when the handler (or a
    door) first reads the body; the limit is chosen then."""

    def __init__(self, app: ASGIApp, form_bytes: int, upload_bytes: int):
        self.app = app
        self.form_bytes = form_bytes
        self.upload_bytes = upload_bytes + MULTIPART_ALLOWANCE

    def limit(self, scope: Scope) -> int:
        endpoint = scope.get("endpoint")
        return self.upload_bytes if getattr(endpoint, "hustings_uploads", False) \
            else self.form_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        received = 0

        async def limited() -> Message:
            nonlocal received
            limit = self.limit(scope)
            if declared.isdigit() and int(declared) > limit:
                raise TooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, limited, send)
