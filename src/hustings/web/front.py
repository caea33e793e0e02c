"""The front cache: anonymous public answers served before routing and the middleware stack.

The outermost ASGI layer. A `GET` or `HEAD` without a session cookie is looked up by path,
query string and the reader's language; an entry is good while the data version the change
watcher keeps in memory (`ChangeWatcher.current()`) and the day are those it was made at, so a
hit costs no database read, no thread, no routing and no template. Each entry has an ETag;
`If-None-Match` naming it gets `304 Not Modified`.

Entries are made on the way out, by copying the finished answer (with the headers every layer
added: security headers, `Vary`, a language cookie chosen by `?lang=`) of a request that went
through the whole stack and that `cache.serve_cached` marked as shared (anonymous, keyed by the
data version). Nothing else is kept: not an answer that sets a session cookie or says
`no-store`, not an error, not a personal page. Static files are answered here too, straight
from `StaticAssets`, with the security headers.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qs

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hustings.web.i18n import choose
from hustings.web.security import COOKIE, SECURITY_HEADERS
from hustings.web.static import StaticAssets

SHARED = "hustings.shared"  # scope["state"] key: the data version a shared answer was made at
LANG_KEY = "lang"
_SESSION = COOKIE.encode() + b"="
_SECURITY = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS]
_DROPPED = {b"content-length", b"date", b"server"}


@dataclass(frozen=True)
class Entry:
    stamp: int
    day: date
    etag: bytes
    headers: tuple[tuple[bytes, bytes], ...]  # without content-length
    body: bytes


def reader_locale(query: bytes, cookie: bytes, accept_language: bytes) -> str:
    """The reader's language, as `templating.locale_of` chooses it, from the raw request."""
    asked = chosen = None
    if b"lang=" in query:
        values = parse_qs(query.decode("latin-1")).get(LANG_KEY)
        asked = values[-1][:64] if values else None
    if b"lang=" in cookie:
        found = cookie_parser(cookie.decode("latin-1")).get(LANG_KEY)
        chosen = found[:64] if found is not None else None
    # the header's first 1,000 characters are all `i18n.negotiate` reads: a bounded key
    return _choose(asked, chosen, accept_language[:1000])


@lru_cache(maxsize=1024)
def _choose(asked: str | None, chosen: str | None, accept_language: bytes) -> str:
    return choose(asked, chosen, accept_language.decode("latin-1") or None)


def etag_matches(if_none_match: bytes, etag: bytes) -> bool:
    tags = {t.strip().removeprefix(b"W/") for t in if_none_match.split(b",")}
    return etag in tags or b"*" in tags


class FrontCache:
    """ASGI middleware (outermost) keeping at most `size` entries and `max_bytes` of bodies."""

    def __init__(self, app: ASGIApp, watcher: object, static: StaticAssets | None = None,
                 size: int = 1024, max_bytes: int = 64 * 1024 * 1024):
        self.app, self.watcher, self.static = app, watcher, static
        self.size, self.max_bytes = size, max_bytes
        self.entries: OrderedDict[tuple[str, bytes, str], Entry] = OrderedDict()
        self.bytes = 0
        self.hits = 0  # for tests and benchmarks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if self.static is not None and path.startswith(self.static.prefix):
            await self.static(scope, receive, _with_security_headers(send))
            return
        method = scope["method"]
        if method != "GET" and method != "HEAD":
            await self.app(scope, receive, send)
            return
        cookie = accept_language = if_none_match = b""
        for name, value in scope["headers"]:
            if name == b"cookie":
                cookie = value
            elif name == b"accept-language":
                accept_language = value
            elif name == b"if-none-match":
                if_none_match = value
        if _SESSION in cookie:  # a session (signed in, a notice, a form's token): personal
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        key = (path, query, reader_locale(query, cookie, accept_language))
        stamp = self.watcher.current()  # type: ignore[attr-defined]
        entry = self.entries.get(key)
        if entry is not None and stamp is not None and entry.stamp == stamp \
                and entry.day == date.today():
            self.entries.move_to_end(key)
            self.hits += 1
            await _reply(send, entry, method == "HEAD",
                         bool(if_none_match) and etag_matches(if_none_match, entry.etag))
            return
        if method == "HEAD":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        await self.app(scope, receive, self._keeper(key, state, if_none_match, send))

    def _keeper(self, key: tuple[str, bytes, str], state: dict[str, object],
                if_none_match: bytes, send: Send) -> Send:
        """A `send` that copies a shared 200 answer into the cache (and answers 304 for it
        when the client already has it); any other answer passes through untouched."""
        start: Message | None = None

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                shared = state.get(SHARED)
                if message["status"] == 200 and isinstance(shared, int) \
                        and _shareable(message["headers"]):
                    start = message  # hold it until the body is known
                    return
            elif start is not None and message["type"] == "http.response.body":
                if message.get("more_body", False):  # a stream: not a page to keep
                    held, start = start, None
                    await send(held)
                else:
                    stamp = state[SHARED]
                    assert isinstance(stamp, int)
                    entry = self._store(key, stamp, start["headers"], message.get("body", b""))
                    await _reply(send, entry, False,
                                 bool(if_none_match) and etag_matches(if_none_match, entry.etag))
                    return
            await send(message)

        return keep

    def _store(self, key: tuple[str, bytes, str], stamp: int,
               headers: list[tuple[bytes, bytes]], body: bytes) -> Entry:
        etag = next((v for n, v in headers if n == b"etag"), None)
        if etag is None:
            etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
        kept = [(n, v) for n, v in headers if n not in _DROPPED and n != b"etag"]
        if not any(n == b"cache-control" for n, _ in kept):
            kept.append((b"cache-control", b"no-cache"))  # keep it, but ask each time (ETag)
        entry = Entry(stamp, date.today(), etag, (*kept, (b"etag", etag)), body)
        old = self.entries.pop(key, None)
        if old is not None:
            self.bytes -= len(old.body)
        if len(body) <= self.max_bytes:
            self.entries[key] = entry
            self.bytes += len(body)
        while self.entries and (len(self.entries) > self.size or self.bytes > self.max_bytes):
            _, dropped = self.entries.popitem(last=False)
            self.bytes -= len(dropped.body)
        return entry


def _shareable(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"set-cookie" and value.startswith(_SESSION):
            return False
        if name == b"cache-control" and (b"no-store" in value or b"private" in value):
            return False
    return True


async def _reply(send: Send, entry: Entry, head: bool, not_modified: bool) -> None:
    if not_modified:
        headers = [(n, v) for n, v in entry.headers if n != b"content-type"]
        await send({"type": "http.response.start", "status": 304,
                    "headers": [*headers, (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [*entry.headers, (b"content-length", str(len(entry.body)).encode())]})
    await send({"type": "http.response.body", "body": b"" if head else entry.body})


def _with_security_headers(send: Send) -> Send:
    async def add(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message["headers"], *_SECURITY]
        await send(message)
    return add
