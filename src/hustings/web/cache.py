"""Rendered public answers kept in memory, keyed by the database's last change.

Every change appends an audit entry, so the newest entry's number (`web_queries.last_change`)
tells whether a stored answer is still true. One watcher per process re-reads it every
`WebConfig.change_check_seconds` (so changes made by the CLI or another process show within
that time) and after every state-changing request made here; requests never read it
themselves. Only anonymous answers are kept.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hustings.bootstrap import record_incident
from hustings.domain.errors import HustingsError
from hustings.services.web_queries import EVERYTHING
from hustings.web import deps
from hustings.web.front import SHARED
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
        # answers being made now, by (key, stamp): later requests for the same one wait for it
        # instead of making it again (used from the event loop only)
        self.flights: dict[tuple[str, int], asyncio.Future[Cached | None]] = {}
        self.followers = 0  # requests that waited for another's answer (tests, benchmarks)

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


class ChangeWatcher:
    """The database's last change as this process knows it, and the one place that notices a
    change: one background thread per process re-reads the newest log entry every `interval`
    seconds (one query, whatever the number of requests; reads take no lock), and a request
    that may have changed something here has it re-read before its answer goes out.

    Each change is announced once, to `on_change` with the elections it touched (`web.live`'s
    broadcaster); the page cache keys its entries on `value`, so they expire with it."""

    def __init__(self, read_last: Callable[[], int], read_changed: Callable[[int], set[str]],
                 interval: float, on_change: Callable[[set[str]], None]):
        self.read_last, self.read_changed = read_last, read_changed
        self.interval, self.on_change = interval, on_change
        self.value: int | None = None
        self.checks = 0  # how many times the database was asked (for tests and benchmarks)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> int:
        """Re-read the last change now; announce it if it moved. Safe from any thread."""
        with self._lock:
            return self._read()

    def _read(self) -> int:
        self.checks += 1
        last = self.read_last()
        before, self.value = self.value, last
        if before is not None and last != before:
            changed = self.read_changed(before) if last > before else {EVERYTHING}
            self.on_change(changed or {EVERYTHING})
        return last

    def current(self) -> int | None:
        return self.value

    def first(self) -> int:
        """The value, read once if nobody has read it yet (concurrent callers wait for it)."""
        with self._lock:
            return self.value if self.value is not None else self._read()

    def start(self) -> None:
        """Read the value now, then keep watching in a background thread."""
        try:
            self.first()
        except HustingsError:
            pass  # the database is not reachable yet: the thread will try again
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="hustings-change-watcher",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except HustingsError:
                continue  # the database is unreachable for now: keep serving, try again
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the watcher
                record_incident(exc, "change watcher")


class AnnounceWrites:
    """ASGI middleware: after any request other than GET/HEAD/OPTIONS, the watcher re-reads
    the last change before the answer starts, so the next page this client asks for is new."""

    def __init__(self, app: ASGIApp, watcher: ChangeWatcher):
        self.app, self.watcher = app, watcher

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return

        async def announce_first(message: Message) -> None:
            if message["type"] == "http.response.start":
                try:
                    await run_in_threadpool(self.watcher.check)
                except HustingsError:
                    pass  # the answer still goes out; the watcher thread tries again
            await send(message)

        await self.app(scope, receive, announce_first)


async def current_stamp(request: Request) -> int:
    """The data version this process serves (read once if the watcher has not yet)."""
    watcher: ChangeWatcher = request.app.state.watcher
    stamp = watcher.current()
    if stamp is None:
        stamp = await run_in_threadpool(watcher.first)
    return stamp


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
    full = f"{key}|{locale_of(request)}"
    stamp = await current_stamp(request)
    request.scope.setdefault("state", {})[SHARED] = stamp  # the front cache may keep it
    hit = cache.get(full, stamp)
    flight = cache.flights.get((full, stamp)) if hit is None else None
    if flight is not None:  # another request is making this answer: one render, not one each
        cache.followers += 1
        hit = await asyncio.shield(flight)
    if hit is None:
        hit, response = await _make_once(cache, full, stamp, make)
        if hit is None:
            return response
    return Response(hit.body, media_type=hit.media_type, headers=dict(hit.headers))


async def _make_once(cache: PageCache, full: str, stamp: int,
                     make: Callable[[], Response]) -> tuple[Cached | None, Response]:
    """Make the answer in a worker thread, keep it if it is a 200, and hand it to the requests
    that waited for it (None when it is not to be kept: they make their own)."""
    flight: asyncio.Future[Cached | None] = asyncio.get_running_loop().create_future()
    leads = cache.flights.setdefault((full, stamp), flight) is flight
    hit: Cached | None = None
    try:
        response = await run_in_threadpool(make)
        if response.status_code == 200:
            keep = tuple((k, v) for k, v in response.headers.items()
                         if k in ("content-disposition", "etag", "cache-control"))
            hit = Cached(bytes(response.body), response.media_type or "text/html", keep)
            cache.put(full, stamp, hit)
        return hit, response
    finally:
        if leads:
            del cache.flights[(full, stamp)]
            flight.set_result(hit)
