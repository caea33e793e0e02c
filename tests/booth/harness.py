"""A small test-only web app for the browser booth: the package's static files under the site's
security headers, the booth page, and the three online-poll API routes a server offers
(election, ballots, board), answered with `hustings.crypto` itself: a POSTed ballot is admitted
to the board only if `board.admit` accepts it (credential on the list, every proof, the
signature, no replay).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hustings.crypto import board as bb
from hustings.crypto.ballot import Ballot
from hustings.crypto.credentials import CredentialList
from hustings.crypto.election import Election
from hustings.crypto.errors import VerificationError
from hustings.web import routes_booth
from hustings.web.routes_booth import BOOTH_CSP
from hustings.web.security import SECURITY_HEADERS
from hustings.web.static import StaticAssets
from hustings.web.templating import STATIC_DIR

TEST_JS = Path(__file__).parent / "js"
BLANK = "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>harness</title>" \
        "</head><body><main>harness</main></body></html>"


class Headers:
    """The site's security headers on every answer that has not set its own (as
    hustings.web.security does); the blank page has the booth's policy, so the tests prove the
    booth's code runs under it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers.append(name, value)
            await send(message)
        await self.app(scope, receive, wrapped)


@dataclass
class Poll:
    """One online poll held in memory: what the server side would store."""

    slug: str
    election: Election
    credentials: CredentialList
    board: bb.Board = ()
    refused: list[str] = field(default_factory=list)

    def cast(self, value: Any) -> tuple[int, dict[str, Any]]:
        try:
            ballot = Ballot.from_json(value)
            trackers = {e.tracker for e in self.board}
            entry = bb.admit(self.election, self.credentials, ballot,
                             bb.head(self.election, self.board), len(self.board) + 1,
                             trackers.__contains__)
        except bb.UnknownCredential as exc:
            self.refused.append(str(exc))
            return 403, {"error": {"code": "forbidden", "message": str(exc)}}
        except VerificationError as exc:
            self.refused.append(f"{exc.field}: {exc}")
            return 422, {"error": {"code": "invalid", "message": str(exc),
                                   "problems": [{"field": exc.field, "message": str(exc)}]}}
        self.board = (*self.board, entry)
        return 200, {"tracker": entry.tracker}


def build_app(polls: dict[str, Poll]) -> FastAPI:
    app = FastAPI()

    @app.get("/blank")
    def blank() -> HTMLResponse:
        return HTMLResponse(BLANK, headers={"content-security-policy": BOOTH_CSP})

    @app.get("/test/{name}")
    def test_js(name: str) -> Response:
        path = TEST_JS / name
        if path.parent != TEST_JS or not path.is_file():
            return Response(status_code=404)
        return Response(path.read_bytes(), media_type="text/javascript")

    @app.get("/api/elections/{slug}/online/election")
    def election(slug: str) -> JSONResponse:
        return JSONResponse(polls[slug].election.to_json())

    @app.post("/api/elections/{slug}/online/ballots")
    async def ballots(slug: str, request: Request) -> JSONResponse:
        status, body = polls[slug].cast(await request.json())
        return JSONResponse(body, status_code=status)

    @app.get("/api/elections/{slug}/online/board")
    def board(slug: str) -> JSONResponse:
        return JSONResponse({"entries": [{"position": e.position, "tracker": e.tracker}
                                         for e in polls[slug].board]})

    app.include_router(routes_booth.router)
    app.mount("/static", StaticAssets(STATIC_DIR), name="static")
    app.add_middleware(Headers)
    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on loopback in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
