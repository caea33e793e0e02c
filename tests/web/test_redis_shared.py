"""With HUSTINGS_REDIS_URL: web sessions and sign-in limits in Redis (the same behaviour as in
the database: the session and spraying tests run again here, on Redis), and the change channels
(Redis pub/sub, PostgreSQL LISTEN/NOTIFY) in-process. Skipped without Redis locally, failed when
CI=true (the PostgreSQL channel: likewise without PostgreSQL)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from hustings.bootstrap import Container, Settings
from hustings.domain.errors import Unavailable
from hustings.storage import tables as t
from hustings.storage.redis_store import (
    RedisChanges,
    RedisSessionRepo,
    connect,
    prefix_for,
    safe_redis_url,
)
from hustings.web.changes import ChangeHub
from hustings.web.config import WebConfig

# The database tests, collected again here with this module's `container` (Redis):
from tests.identity.test_web_sessions import (  # noqa: F401
    test_a_password_change_ends_the_sessions,
    test_disabling_a_user_ends_their_sessions,
    test_idle_and_absolute_timeouts,
    test_sign_out_then_the_old_cookie_is_refused,
)
from tests.web.conftest import SECRET, Web, make_client
from tests.web.relay import Relay
from tests.web.seed import PASSWORD, SLUG, seed
from tests.web.test_spraying import (  # noqa: F401
    app_of,
    test_a_spray_from_many_addresses_meets_the_overall_limit,
    test_one_name_from_many_addresses_meets_the_per_user_limit,
    test_one_password_across_150_names_is_refused_per_address,
    test_the_sign_in_page_says_429_with_retry_after,
    test_workers_share_the_counts,
)
from tests.web.test_workers import _require_redis

SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 5,
         "votes": {"adler": 1, "baptiste": 3, "chen": 0}, "blank": 0, "invalid": 1}


def _forget(redis_url: str, database_url: str) -> None:

    client = connect(redis_url)
    keys = list(client.scan_iter(match=prefix_for(database_url) + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only here: what is under test is Redis."""
    shutil.copy(sqlite_template, tmp_path / "test.db")
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def container(database_url: str) -> Iterator[Container]:
    redis_url = _require_redis()
    box = Container(Settings(database_url, redis_url))
    yield box
    box.close()
    _forget(redis_url, database_url)


def test_sessions_live_in_redis_not_in_the_database(web: Web, container: Container) -> None:
    web.sign_in("clerk")
    with web.uow_factory() as uow:  # type: ignore[operator]
        assert list(uow._conn.execute(select(t.web_sessions))) == []
    prefix = container._redis_prefix()
    assert [k for k in container.redis.scan_iter(match=prefix + "session:*")]
    assert web.client.get("/api/session").json()["username"] == "clerk"
    assert container.redis_repos.sessions.end_user("clerk") == 1
    assert web.client.get("/api/session").json()["username"] is None


def test_redis_going_away_is_unavailable_naming_the_url(database_url: str) -> None:
    real = urlsplit(_require_redis())
    relay = Relay((real.hostname or "127.0.0.1", real.port or 6379))
    url = f"redis://:hunter22@127.0.0.1:{relay.port}{real.path}"
    try:
        client = connect(f"redis://127.0.0.1:{relay.port}{real.path}")
        repo = RedisSessionRepo(client, "hustings:test-gone:", url)
        assert repo.get("nothing") is None
        relay.cut()
        with pytest.raises(Unavailable) as lost:
            repo.get("nothing")
        assert f"redis://:***@127.0.0.1:{relay.port}" in str(lost.value)
        assert "hunter22" not in str(lost.value)
        client.close()
    finally:
        relay.close()
    assert safe_redis_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    # one database, one prefix, however its URL is spelt or whatever its password
    assert prefix_for("postgresql://u:a@h/db") == prefix_for("postgresql+psycopg://u:b@h/db")
    assert prefix_for("postgresql://u@h/db") != prefix_for("postgresql://u@h/other")
    assert safe_redis_url("redis://u:p@[::1]:bad/0").endswith("://…")


def _collect() -> tuple[list[int], threading.Event, Any]:
    got: list[int] = []
    arrived = threading.Event()

    def deliver(stamp: int) -> None:
        got.append(stamp)
        arrived.set()

    return got, arrived, deliver


def _fail(exc: BaseException) -> None:
    raise AssertionError(exc)


def test_redis_changes_reach_listeners_and_survive_redis_going_away(database_url: str) -> None:
    real = urlsplit(_require_redis())
    relay = Relay((real.hostname or "127.0.0.1", real.port or 6379))
    url = f"redis://127.0.0.1:{relay.port}{real.path}"
    prefix = prefix_for(database_url)
    listener = RedisChanges(connect(url), prefix, url, retry=0.05)
    publisher = RedisChanges(connect(_require_redis()), prefix, _require_redis())
    got, arrived, deliver = _collect()
    try:
        listener.start(deliver, _fail)
        assert listener.listening.is_set()
        publisher.publish(41)
        assert arrived.wait(30) and got == [41]
        relay.cut()  # Redis goes away: the listener retries; nothing is delivered or raised
        pause = threading.Event()
        for _ in range(600):  # bounded: until the listener noticed
            if not listener.listening.is_set():
                break
            pause.wait(0.05)
        assert not listener.listening.is_set()
        relay.restore()
        assert listener.listening.wait(30)  # subscribed again
        arrived.clear()
        publisher.publish(42)
        assert arrived.wait(30) and got[-1] == 42
    finally:
        listener.stop()
        publisher.stop()
        relay.close()


def test_postgres_notify_reaches_listeners(postgres_template: Any) -> None:
    from sqlalchemy import text

    admin, base, template = postgres_template
    name = "hustings_notify_test"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    box = Container(Settings(base.set(database=name).render_as_string(hide_password=False)))
    channel = box.change_channel()
    got, arrived, deliver = _collect()
    try:
        assert channel is not None
        channel.start(deliver, _fail)
        channel.publish(7)
        assert arrived.wait(30) and got == [7]
    finally:
        if channel is not None:
            channel.stop()
        box.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_sqlite_alone_has_no_channel(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "h.db")
    box = Container(Settings(f"sqlite:///{tmp_path / 'h.db'}"))
    try:
        assert box.change_channel() is None
        hub = ChangeHub(lambda slugs: None, None)
        hub.start()
        hub.changed({"x"})  # announces locally only
        hub.stop()
    finally:
        box.close()


def test_two_apps_on_redis_one_message_per_change(container: Container, uow_factory: Any) -> None:
    """Two in-process apps (workers) polling hourly: a sheet entered through A reaches B's
    watcher through one Redis message, which B does not publish again."""
    seed(uow_factory)
    config = WebConfig(secret_key=SECRET, change_check_seconds=3600)
    with make_client(container, config) as a, make_client(container, config) as b:
        hub_a: ChangeHub = a.app.state.changes  # type: ignore[attr-defined]
        hub_b: ChangeHub = b.app.state.changes  # type: ignore[attr-defined]
        watcher_b = b.app.state.watcher  # type: ignore[attr-defined]
        before = watcher_b.value
        csrf = a.post("/api/session", json={"username": "clerk",
                                            "password": PASSWORD}).json()["csrf_token"]
        r = a.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                   headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201
        for _ in range(3000):  # bounded: until B heard and re-read
            if watcher_b.value != before:
                break
            threading.Event().wait(0.01)
        assert watcher_b.value == a.app.state.watcher.value  # type: ignore[attr-defined]
        assert hub_a.published == watcher_b.value
        assert hub_b.published == 0  # B heard it; it did not publish it again
        assert b.get(f"/api/elections/{SLUG}/results").json()["version"] >= 1
        # a stale or repeated message costs nothing
        hub_b.heard_stamp(1)
        assert hub_b.published == 0
