"""Rendered public answers kept in memory, keyed by the database's last change.

Every change appends an audit entry, so the newest entry's number (`web_queries.last_change`)
tells whether a stored answer is still true. It is re-read after every state-changing request
made here, and at most every `WebConfig.change_check_seconds` otherwise, so changes made by the
CLI or another process show within that time. Only anonymous answers are kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hustings.web import deps
from hustings.web.templating import locale_of


@dataclass(frozen=True)
class Cached:
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...] = ()


class PageCache:
    """A bounded LRU map (key, change stamp) -> answer; a newer stamp replaces the entry."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[str, tuple[int, Cached]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, stamp: int) -> Cached | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != stamp:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: str, stamp: int, value: Cached) -> None:
        with self._lock:
            self._items[key] = (stamp, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class ChangeStamp:
    """The database's last change as this process knows it: re-read from the database at most
    every `interval` seconds (changes by the CLI or another process), and at once after any
    request that may have changed something here (`invalidate`)."""

    def __init__(self, read: Callable[[], int], interval: float,
                 clock: Callable[[], float] = time.monotonic):
        self.read, self.interval, self.clock = read, interval, clock
        self._value: int | None = None
        self._read_at = 0.0
        self._reading = False

    def fresh(self) -> int | None:
        """The stamp when it is recent enough, else None (call `refresh` in a thread).

        While one request re-reads an old stamp, the others keep using it (one read at a
        time); after `invalidate` everyone waits for the new one."""
        if self._value is None:
            return None
        if self.clock() - self._read_at > self.interval and not self._reading:
            return None
        return self._value

    def refresh(self) -> int:
        self._reading = True
        try:
            read_at = self.clock()
            value = self.read()
            self._value, self._read_at = value, read_at
            return value
        finally:
            self._reading = False

    def invalidate(self) -> None:
        self._value = None


class InvalidateOnWrite:
    """ASGI middleware: after any request other than GET/HEAD/OPTIONS, the stamp is re-read."""

    def __init__(self, app: ASGIApp, stamp: ChangeStamp):
        self.app, self.stamp = app, stamp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.stamp.invalidate()


async def serve_cached(request: Request, key: str, make: Callable[[], Response]) -> Response:
    """`make()`'s answer (run in a worker thread), kept per locale until the database changes.

    Only anonymous answers are kept; a hit costs no database query and no thread."""
    session = deps.session(request)
    if session.token is not None or session.flash:
        def personal() -> Response:
            deps.current_user(request)
            return make()
        return await run_in_threadpool(personal)
    cache: PageCache = request.app.state.page_cache
    stamps: ChangeStamp = request.app.state.change_stamp
    full = f"{key}|{locale_of(request)}"
    stamp = stamps.fresh()
    if stamp is None:
        stamp = await run_in_threadpool(stamps.refresh)
    hit = cache.get(full, stamp)
    if hit is None:
        response = await run_in_threadpool(make)
        if response.status_code != 200:
            return response
        keep = tuple((k, v) for k, v in response.headers.items()
                     if k in ("content-disposition", "etag", "cache-control"))
        hit = Cached(bytes(response.body), response.media_type or "text/html", keep)
        cache.put(full, stamp, hit)
    return Response(hit.body, media_type=hit.media_type, headers=dict(hit.headers))
