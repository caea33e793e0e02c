"""Server-Sent Events for the live page: the broadcaster, and the stream end to end in-process."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hustings.web.config import WebConfig
from hustings.web.live import Broadcaster, sse_event, stream
from tests.web.conftest import SECRET, make_client
from tests.web.seed import PASSWORD, SLUG, seed

SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 5,
         "votes": {"adler": 1, "baptiste": 3, "chen": 0}, "blank": 0, "invalid": 1}


def test_sse_event_puts_every_line_in_data() -> None:
    assert sse_event("panel", "<p>\n</p>", 7) == "event: panel\nid: 7\ndata: <p>\ndata: </p>\n\n"


def test_one_render_reaches_a_thousand_watchers() -> None:
    async def main() -> tuple[list[str], int, float]:
        b = Broadcaster()
        b.bind(asyncio.get_running_loop())
        renders = 0

        def render() -> tuple[int, str]:
            nonlocal renders
            renders += 1
            return 2, "<p>new</p>"

        async def watch() -> str:
            events = stream(b, SLUG, "en", None, render, heartbeat=5, lifetime=5,
                            clock=time.monotonic)
            assert await anext(events) == "retry: 2000\n\n"
            message = await anext(events)
            await events.aclose()
            return message

        tasks = [asyncio.ensure_future(watch()) for _ in range(1000)]
        for _ in range(10_000):  # until every watcher waits (bounded; no timing assumed)
            if SLUG in b._events and b.watchers == 1000:
                break
            await asyncio.sleep(0.001)
        assert b.watchers == 1000
        threading.Thread(target=b.notify, args=(SLUG,)).start()  # from a worker thread
        got = await asyncio.wait_for(asyncio.gather(*tasks), 60)
        return got, renders

    got, renders = asyncio.run(main())
    assert set(got) == {sse_event("panel", "<p>new</p>", 2)}
    assert renders == 1


def test_heartbeat_and_end_of_stream() -> None:
    """A clock that moves 0.05 s per reading: the stream's own arithmetic decides the pings
    (three before its 0.18 s lifetime ends), whatever the machine's speed."""
    readings = iter(i * 0.05 for i in range(100))

    async def main() -> list[str]:
        b = Broadcaster()
        b.bind(asyncio.get_running_loop())
        return [m async for m in stream(b, SLUG, "en", None, lambda: (1, "x"), heartbeat=0.05,
                                        lifetime=0.18, clock=lambda: next(readings))]

    messages = asyncio.run(main())
    assert messages == ["retry: 2000\n\n"] + [": ping\n\n"] * 3


@pytest.fixture
def short_streams(container: object, uow_factory: object) -> Iterator[TestClient]:
    seed(uow_factory)  # type: ignore[arg-type]
    config = WebConfig(secret_key=SECRET, live_heartbeat_seconds=0.2, live_stream_seconds=2.0)
    with make_client(container, config) as client:
        yield client


def test_stream_pushes_the_panel_when_a_clerk_enters_a_sheet(short_streams: TestClient) -> None:
    """A watcher connected before the sheet gets the new panel; the sheet is entered through
    the API by another client (another thread and event loop), as a clerk would."""
    client = short_streams
    page = client.get(f"/elections/{SLUG}/live").text
    assert f"/elections/{SLUG}/live/events?since=" in page
    stamp = int(page.split("live/events?since=")[1].split('"')[0])
    clerk = TestClient(client.app)

    broadcaster = client.app.state.broadcaster  # type: ignore[attr-defined]

    def enter() -> None:
        deadline = time.monotonic() + 30  # until the stream waits for news (bounded)
        while SLUG not in broadcaster._events and time.monotonic() < deadline:
            time.sleep(0.01)
        token = clerk.post("/api/session", json={"username": "clerk", "password": PASSWORD})
        r = clerk.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                       headers={"X-CSRF-Token": token.json()["csrf_token"]})
        assert r.status_code == 201

    worker = threading.Thread(target=enter)
    worker.start()
    r = client.get(f"/elections/{SLUG}/live/events?since={stamp}")
    worker.join()
    assert r.headers["content-type"].startswith("text/event-stream")
    events = [e for e in r.text.split("\n\n") if e.startswith("event: panel")]
    assert len(events) == 1, r.text[:500]
    assert "Precincts reporting: 3 of 3" in events[0]
    assert int(events[0].split("\nid: ")[1].split("\n")[0]) > stamp


def test_reconnect_with_an_old_id_gets_the_panel_at_once(short_streams: TestClient) -> None:
    r = short_streams.get(f"/elections/{SLUG}/live/events", headers={"Last-Event-ID": "1"})
    assert r.text.startswith("retry: 2000\n\nevent: panel\n")
    assert "Precincts reporting: 2 of 3" in r.text
    assert short_streams.get("/elections/nope/live/events").status_code == 404
