"""The front cache (`web.front`): anonymous public answers served before routing, validated by
the data version the watcher keeps in memory, with ETags; personal pages never shared; language
variants kept apart; cached pages still served while the database is unreachable."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from hustings.web.cache import serve_cached
from hustings.web.config import WebConfig
from hustings.web.front import FrontCache, etag_matches, reader_locale
from tests.web.conftest import SECRET, make_client
from tests.web.seed import PASSWORD, SLUG, seed

SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 4,
         "votes": {"adler": 1, "baptiste": 1, "chen": 1}, "blank": 1, "invalid": 0}
PAGES = ["/", f"/elections/{SLUG}", f"/api/elections/{SLUG}/results", "/history",
         f"/elections/{SLUG}/results.csv", f"/elections/{SLUG}/versions/1",
         f"/elections/{SLUG}/live/panel"]


def front(client: TestClient) -> FrontCache:
    layer: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, FrontCache):
        layer = layer.app
    return layer


@pytest.fixture
def quiet(container: object, uow_factory: object) -> Iterator[TestClient]:
    seed(uow_factory)  # type: ignore[arg-type]
    config = WebConfig(secret_key=SECRET, change_check_seconds=3600)
    with make_client(container, config) as client:
        yield client


def _statements(container: Any) -> list[str]:
    from sqlalchemy import event

    seen: list[str] = []
    event.listen(container.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_a_second_anonymous_request_is_a_front_hit_with_the_same_answer(
        quiet: TestClient, container: Any) -> None:
    first = {path: quiet.get(path) for path in PAGES}
    assert all(r.status_code == 200 for r in first.values())
    seen, hits = _statements(container), front(quiet).hits
    for path in PAGES:
        again = quiet.get(path)
        assert again.status_code == 200 and again.content == first[path].content, path
        for name in ("content-type", "etag", "vary", "content-security-policy",
                     "x-content-type-options"):
            assert again.headers.get(name) == first[path].headers.get(name), (path, name)
    assert front(quiet).hits == hits + len(PAGES)
    assert seen == []  # no database read, not even the data version


def test_if_none_match_gets_304_and_head_gets_no_body(quiet: TestClient) -> None:
    path = f"/elections/{SLUG}"
    page = quiet.get(path)
    etag = page.headers["etag"]
    assert page.headers["cache-control"] == "no-cache"  # kept by browsers, revalidated
    again = quiet.get(path, headers={"If-None-Match": f'W/"nope", {etag}'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "Accept-Language" in again.headers["vary"]
    head = quiet.head(path)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(page.content))
    assert quiet.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    front(quiet).entries.clear()  # the answer is made again: the same page, the same ETag
    quiet.app.state.page_cache.clear()  # type: ignore[attr-defined]
    remade = quiet.get(path, headers={"If-None-Match": etag})
    assert remade.status_code == 304 and remade.headers["etag"] == etag
    assert quiet.head("/history").content == b""  # HEAD of an answer not kept yet


def test_a_change_expires_every_entry_and_the_etag(quiet: TestClient) -> None:
    path = f"/api/elections/{SLUG}/results"
    before = quiet.get(path)
    assert before.json()["precincts"]["reporting"] == 2
    token = quiet.post("/api/session", json={"username": "clerk", "password": PASSWORD})
    assert quiet.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET, headers={
        "X-CSRF-Token": token.json()["csrf_token"]}).status_code == 201
    quiet.cookies.clear()
    after = quiet.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.json()["precincts"]["reporting"] == 3
    assert after.headers["etag"] != before.headers["etag"]


def test_signed_in_users_get_their_own_pages_never_the_shared_ones(quiet: TestClient) -> None:
    anonymous = quiet.get("/")
    assert "Signed in as" not in anonymous.text and quiet.get("/").status_code == 200
    hits = front(quiet).hits
    quiet.post("/api/session", json={"username": "clerk", "password": PASSWORD})
    for _ in range(2):
        mine = quiet.get("/")
        assert "Signed in as" in mine.text and 'name="csrf_token"' in mine.text
        assert mine.content != anonymous.content
    assert front(quiet).hits == hits
    quiet.cookies.clear()
    shared = quiet.get("/")
    assert "Signed in as" not in shared.text and 'name="csrf_token"' not in shared.text


def test_language_variants_are_kept_apart(quiet: TestClient) -> None:
    path = f"/elections/{SLUG}"
    for _ in range(2):  # the second round is all front hits
        en = quiet.get(path, headers={"accept-language": "en"})
        he = quiet.get(path, headers={"accept-language": "he-IL,he;q=0.9"})
        assert '<html lang="en" dir="ltr">' in en.text
        assert '<html lang="he" dir="rtl">' in he.text and "תוצאות לפי קלפי" in he.text
        assert en.headers["etag"] != he.headers["etag"]
    chosen = quiet.get(path + "?lang=he")  # a hit still sets the language cookie
    chosen = quiet.get(path + "?lang=he", headers={"accept-language": "en"})
    assert '<html lang="he"' in chosen.text and "lang=he" in chosen.headers["set-cookie"]
    by_cookie = quiet.get(path, headers={"accept-language": "en"})  # the cookie decides
    assert '<html lang="he"' in by_cookie.text


def test_errors_and_streams_are_not_kept(quiet: TestClient) -> None:
    hits = front(quiet).hits
    for _ in range(2):
        assert quiet.get("/elections/nope").status_code == 404
        assert quiet.get(f"/elections/{SLUG}/versions/99").status_code == 404
        assert quiet.get("/signin").status_code == 200  # mints a form token: personal
    assert front(quiet).hits == hits


def test_the_cache_is_bounded_by_entries_and_bytes() -> None:
    class Watcher:
        def current(self) -> int:
            return 1

    cache = FrontCache(app=None, watcher=Watcher(), size=2, max_bytes=10)  # type: ignore[arg-type]
    for i in range(3):
        cache._store((f"/{i}", b"", "en"), 1, [], b"1234")
    assert [k[0] for k in cache.entries] == ["/1", "/2"] and cache.bytes == 8
    cache._store(("/3", b"", "en"), 1, [], b"1234567")
    assert [k[0] for k in cache.entries] == ["/3"] and cache.bytes == 7
    cache._store(("/big", b"", "en"), 1, [], b"x" * 11)
    assert ("/big", b"", "en") not in cache.entries and cache.bytes == 7


def test_reader_locale_matches_the_pages_choice() -> None:
    assert reader_locale(b"lang=he", b"", b"en") == "he"
    assert reader_locale(b"", b"lang=he; other=1", b"en") == "he"
    assert reader_locale(b"lang=xx", b"", b"he-IL") == "he"
    assert reader_locale(b"", b"", b";q=;") == "en"
    assert reader_locale(b"lang=" + b"h" * 5000, b"lang=" + b"e" * 5000, b"he" * 5000) == "en"
    assert reader_locale(b"xlang=he", b"", b"") == "en"
    assert etag_matches(b'W/"a", "b"', b'"a"') and etag_matches(b"*", b'"z"')
    assert not etag_matches(b'"b"', b'"a"')


def test_cached_pages_are_served_while_the_database_is_unreachable(tmp_path: Path,
                                                                   sqlite_template: Path) -> None:
    """The SQLite file's folder moves away: what is cached is still served, anything else is a
    clear 503 (a page, or JSON under /api), never a traceback."""
    from hustings.bootstrap import Container, Settings

    folder = tmp_path / "db"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "test.db")
    box = Container(Settings(f"sqlite:///{folder / 'test.db'}"))
    seed(box.uow_factory)
    try:
        with make_client(box, WebConfig(secret_key=SECRET, change_check_seconds=3600)) as client:
            cached = [f"/elections/{SLUG}", f"/api/elections/{SLUG}/results", "/"]
            kept = {path: client.get(path).content for path in cached}
            box.engine.dispose()
            folder.rename(tmp_path / "moved")
            for path in cached:
                r = client.get(path)
                assert r.status_code == 200 and r.content == kept[path], path
            page = client.get(f"/elections/{SLUG}/versions/1")
            assert page.status_code == 503 and "text/html" in page.headers["content-type"]
            assert "cannot use the database" in page.text and "Traceback" not in page.text
            api = client.get(f"/api/elections/{SLUG}/versions")
            assert api.status_code == 503 and api.json()["error"]["code"] == "unavailable"
            (tmp_path / "moved").rename(folder)
    finally:
        box.close()


def test_concurrent_misses_make_the_answer_once(container: object, uow_factory: object) -> None:
    """Requests arriving while an answer is being made wait for it (one render after a change,
    not one per request in flight)."""
    seed(uow_factory)  # type: ignore[arg-type]
    calls: list[int] = []
    release = threading.Event()

    async def slow(request: Request) -> Response:
        def make() -> Response:
            calls.append(1)
            release.wait(20)
            return Response(b"made once", media_type="text/plain")
        return await serve_cached(request, "slow", make)

    client = make_client(container, WebConfig(secret_key=SECRET, change_check_seconds=3600))
    client.app.add_api_route("/slow", slow)  # type: ignore[attr-defined]
    with client:
        cache = client.app.state.page_cache  # type: ignore[attr-defined]
        bodies: list[bytes] = []
        threads = [threading.Thread(target=lambda: bodies.append(client.get("/slow").content))
                   for _ in range(6)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20  # a bounded wait, not a timing assertion
        while (len(calls) < 1 or cache.followers < 5) and time.monotonic() < deadline:
            time.sleep(0.01)
        release.set()
        for t in threads:
            t.join()
    assert calls == [1] and cache.followers == 5 and bodies == [b"made once"] * 6
