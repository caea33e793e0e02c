"""Server-Sent Events for the live page: an asyncio broadcaster per process.

The change watcher (`web.cache.ChangeWatcher`) calls `announce(slugs)` once per change, from
any thread, whichever process made it. Each watcher's stream waits on the election's current
event; on a change the first watcher renders the results panel once (in a worker thread) and
every watcher sends that same text. Event ids are the database's change stamp, so a
reconnecting browser (`Last-Event-ID`) gets the panel at once if it missed something.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi.concurrency import run_in_threadpool

from hustings.services.web_queries import EVERYTHING

Render = Callable[[], tuple[int, str]]  # -> (change stamp, panel HTML)


class Broadcaster:
    """Wakes the watchers of an election; renders each new panel once for all of them."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: dict[str, asyncio.Event] = {}
        self._generation: dict[str, int] = {}
        self._renders: dict[tuple[str, str], tuple[int, asyncio.Task[tuple[int, str]]]] = {}
        self.watchers = 0

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def notify(self, slug: str) -> None:
        """Tell the election's watchers something changed; safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._fire(slug)
        else:
            loop.call_soon_threadsafe(self._fire, slug)

    def announce(self, slugs: set[str]) -> None:
        """The change watcher's news: these elections changed (EVERYTHING: any may have)."""
        for slug in sorted(slugs):
            self.notify(slug)

    def _fire(self, slug: str) -> None:
        if slug == EVERYTHING:
            for known in set(self._events) | set(self._generation):
                self._fire(known)
            return
        self._generation[slug] = self._generation.get(slug, 0) + 1
        event = self._events.pop(slug, None)
        if event is not None:
            event.set()

    def generation(self, slug: str) -> int:
        return self._generation.get(slug, 0)

    async def wait(self, slug: str, seen: int, timeout: float) -> int:
        """The election's generation once it passes `seen`, or `seen` after `timeout` s."""
        if self.generation(slug) != seen:
            return self.generation(slug)
        event = self._events.setdefault(slug, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass
        return self.generation(slug)

    async def panel(self, slug: str, locale: str, generation: int,
                    render: Render) -> tuple[int, str]:
        """(stamp, HTML) of the panel at `generation`, rendered once whoever asks."""
        key = (slug, locale)
        found = self._renders.get(key)
        if found is None or found[0] < generation:
            task = asyncio.ensure_future(run_in_threadpool(render))
            self._renders[key] = (generation, task)
            found = (generation, task)
        return await found[1]


def sse_event(event: str, data: str, event_id: int | None = None) -> str:
    """One SSE message; every line of `data` gets its own `data:` field."""
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.extend(f"data: {line}" for line in data.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


async def stream(broadcaster: Broadcaster, slug: str, locale: str, since: int | None,
                 render: Render, heartbeat: float, lifetime: float,
                 clock: Callable[[], float]) -> AsyncIterator[str]:
    """The event stream of one watcher: the panel whenever it changes, pings in between.

    Ends after `lifetime` seconds; the browser reconnects by itself (`retry`)."""
    broadcaster.watchers += 1
    try:
        yield "retry: 2000\n\n"
        seen = broadcaster.generation(slug)
        if since is not None:
            stamp, html = await broadcaster.panel(slug, locale, seen, render)
            if stamp != since:
                yield sse_event("panel", html, stamp)
        ends = clock() + lifetime
        while (left := ends - clock()) > 0:
            now = await broadcaster.wait(slug, seen, min(heartbeat, left))
            if now == seen:
                yield ": ping\n\n"
                continue
            seen = now
            stamp, html = await broadcaster.panel(slug, locale, seen, render)
            yield sse_event("panel", html, stamp)
    finally:
        broadcaster.watchers -= 1
