"""The static files (CSS, scripts, icons), read once into memory and served without a thread.

Each answer has an ETag (the content's SHA-256) and is `304 Not Modified` when the browser
already has it. Pages link assets as `/static/PATH?v=HASH` (`templating.static_url`), so a
versioned URL never changes content: it may be cached for a year (`immutable`); an unversioned
one for an hour, then revalidated by its ETag.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.types import Receive, Scope, Send

VERSIONED = "public, max-age=31536000, immutable"
UNVERSIONED = "public, max-age=3600"


@dataclass(frozen=True)
class Asset:
    body: bytes
    etag: str
    media_type: str


class StaticAssets:
    """An ASGI app for a mount at `prefix` over the files under `directory`."""

    def __init__(self, directory: Path, prefix: str = "/static"):
        self.prefix = prefix.rstrip("/") + "/"
        self.assets: dict[str, Asset] = {}
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                body = path.read_bytes()
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if media_type.startswith("text/") or media_type.endswith(("javascript", "+xml")):
                    media_type += "; charset=utf-8"
                self.assets[path.relative_to(directory).as_posix()] = Asset(
                    body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"', media_type)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        name = scope["path"].removeprefix(self.prefix)
        asset = self.assets.get(name)
        if scope["method"] not in ("GET", "HEAD"):
            await _answer(send, 405, b"method not allowed", [(b"allow", b"GET, HEAD")])
            return
        if asset is None:
            await _answer(send, 404, b"not found", [(b"content-type", b"text/plain")])
            return
        versioned = b"v=" in scope.get("query_string", b"")
        headers = [(b"etag", asset.etag.encode()),
                   (b"cache-control", (VERSIONED if versioned else UNVERSIONED).encode())]
        if _matches(scope, asset.etag):
            await _answer(send, 304, b"", headers)
            return
        headers.append((b"content-type", asset.media_type.encode()))
        body = b"" if scope["method"] == "HEAD" else asset.body
        await _answer(send, 200, body, headers, len(asset.body))


def _matches(scope: Scope, etag: str) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"if-none-match":
            tags = {t.strip().removeprefix("W/") for t in value.decode("latin-1").split(",")}
            return etag in tags or "*" in tags
    return False


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]],
                  length: int | None = None) -> None:
    size = len(body) if length is None else length
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(size).encode())]})
    await send({"type": "http.response.body", "body": body})
