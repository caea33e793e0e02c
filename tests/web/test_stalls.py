"""No stalls: one change check per change (not per request), public answers served from the
cache without a query, reads that never wait for the write lock, static files with ETags."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hustings.web.config import WebConfig
from tests import identities as ids
from tests.web.conftest import SECRET, make_client
from tests.web.seed import PASSWORD, SLUG, seed

SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 4,
         "votes": {"adler": 1, "baptiste": 1, "chen": 1}, "blank": 1, "invalid": 0}
PUBLIC = ["/", f"/elections/{SLUG}", f"/api/elections/{SLUG}/results", "/api/elections",
          f"/api/elections/{SLUG}", f"/api/elections/{SLUG}/versions", "/history",
          "/api/history", f"/elections/{SLUG}/results.csv", f"/elections/{SLUG}/live",
          f"/elections/{SLUG}/precincts.csv", f"/api/elections/{SLUG}/disputes"]


def _client(container: object, uow_factory: object, interval: float) -> TestClient:
    seed(uow_factory)  # type: ignore[arg-type]
    return make_client(container, WebConfig(secret_key=SECRET, change_check_seconds=interval))


@pytest.fixture
def quiet(container: object, uow_factory: object) -> Iterator[TestClient]:
    """An app whose watcher thread never ticks during the test (a one-hour interval)."""
    with _client(container, uow_factory, 3600) as client:
        yield client


def _statements(container: Any) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", count)
    return seen


def test_public_answers_cost_no_query_once_cached(quiet: TestClient, container: Any) -> None:
    for path in PUBLIC:
        assert quiet.get(path).status_code == 200, path  # fills the cache
    seen = _statements(container)
    for _ in range(5):
        for path in PUBLIC:
            assert quiet.get(path).status_code == 200, path
    assert seen == []


def test_one_check_per_change_not_per_request(quiet: TestClient) -> None:
    watcher = quiet.app.state.watcher  # type: ignore[attr-defined]
    threads = [threading.Thread(target=lambda: [quiet.get(p) for p in PUBLIC])
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert watcher.checks == 1  # the first request read the stamp; nobody else did
    token = quiet.post("/api/session", json={"username": "clerk", "password": PASSWORD})
    checks = watcher.checks  # signing in is a POST: one check
    r = quiet.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                   headers={"X-CSRF-Token": token.json()["csrf_token"]})
    assert r.status_code == 201
    assert watcher.checks == checks + 1  # the change is announced once, before the answer
    quiet.cookies.clear()
    results = quiet.get(f"/api/elections/{SLUG}/results").json()
    assert results["precincts"]["reporting"] == 3  # no stale page after one's own change


def test_another_process_s_change_reaches_pages_and_live_watchers(
        container: object, uow_factory: Any) -> None:
    """A change made outside the web process (as the CLI would) is noticed by the watcher
    thread, which wakes the election's live watchers once and expires the cached pages."""
    from hustings.domain.polling import TallySheet
    from hustings.services.tallies import enter_tally

    with _client(container, uow_factory, 0.05) as client:
        assert client.get(f"/api/elections/{SLUG}/results").json()["precincts"][
            "reporting"] == 2
        broadcaster = client.app.state.broadcaster  # type: ignore[attr-defined]
        before = broadcaster.generation(SLUG)
        enter_tally(uow_factory, SLUG, TallySheet("initial", "E", 6, 4, {
            "adler": 1, "baptiste": 1, "chen": 1}, 1, 0), ids.ctx(uow_factory, "clerk-cli"))
        deadline = time.monotonic() + 20  # a bounded wait, not a timing assertion
        while broadcaster.generation(SLUG) == before and time.monotonic() < deadline:
            time.sleep(0.02)
        assert broadcaster.generation(SLUG) == before + 1
        assert client.get(f"/api/elections/{SLUG}/results").json()["precincts"][
            "reporting"] == 3


def test_reads_never_wait_for_the_write_lock(container: Any, uow_factory: Any) -> None:
    """While a writer holds its transaction open, a read finishes (SQLite and PostgreSQL)."""
    from hustings.services.queries import list_elections

    seed(uow_factory)
    done = threading.Event()
    found: list[int] = []

    def read() -> None:
        found.append(len(list_elections(uow_factory)))
        done.set()

    with uow_factory() as writer:
        writer.begin_write()
        writer.blobs.put(b"an uncommitted change")
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        assert done.wait(timeout=10), "the read waited for the writer"
    reader.join()
    assert found == [2]


def test_static_files_have_etags_and_long_lived_caching(quiet: TestClient) -> None:
    page = quiet.get("/").text
    css = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert "?v=" in css
    r = quiet.get(css)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    etag = r.headers["etag"]
    again = quiet.get(css, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    plain = quiet.get("/static/favicon.svg")
    assert plain.status_code == 200 and plain.headers["cache-control"] == "public, max-age=3600"
    assert plain.headers["x-content-type-options"] == "nosniff"
    assert quiet.get("/static/nope.css").status_code == 404
    assert quiet.head("/static/favicon.svg").content == b""
