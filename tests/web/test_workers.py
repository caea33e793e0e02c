"""Several workers on one database: real `hustings serve` processes on PostgreSQL, sharing live
updates, the page cache's freshness, sessions and sign-in limits through Redis
(HUSTINGS_TEST_REDIS_URL) or, without Redis, through PostgreSQL itself (LISTEN/NOTIFY, tables).

"Worker A" and "worker B" are two `hustings serve` processes on two ports sharing the database,
so each request goes to the worker the test means. Their polling is set to an hour
(HUSTINGS_CHANGE_CHECK_SECONDS), so within the bounded waits below only the change channel can
bring B the news of A's change. One more test runs `hustings serve --workers 2` on one port.
Skipped without PostgreSQL or Redis locally; failed when CI=true.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hustings.bootstrap import Container, Settings
from tests.cli_runner import run_cli
from tests.conftest import IN_CI
from tests.web.relay import Relay
from tests.web.seed import PASSWORD, SLUG, seed

BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("HUSTINGS_TEST_REDIS_URL")
SECRET = "workers-test-secret"
SHEET = {"precinct": "E", "registered": 6, "ballots_cast": 5,
         "votes": {"adler": 1, "baptiste": 3, "chen": 0}, "blank": 0, "invalid": 1}
READY_TRIES = 600  # x 0.2 s: a loaded 2-core machine may take a while to start a server


def _require_redis() -> str:
    if not REDIS_URL:
        if IN_CI:
            pytest.fail("HUSTINGS_TEST_REDIS_URL is not set: Redis tests are mandatory when "
                        "CI=true")
        pytest.skip("HUSTINGS_TEST_REDIS_URL is not set")
    return REDIS_URL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`hustings --db URL serve --port P [--workers N]` in its own process group."""

    def __init__(self, url: str, redis_url: str | None, workers: int = 1,
                 poll_seconds: float = 3600.0, secret: str | None = SECRET):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "HUSTINGS_CHANGE_CHECK_SECONDS": str(poll_seconds)}
        env.pop("HUSTINGS_REDIS_URL", None)
        env.pop("HUSTINGS_SECRET_KEY", None)
        if secret:
            env["HUSTINGS_SECRET_KEY"] = secret
        if redis_url:
            env["HUSTINGS_REDIS_URL"] = redis_url
        self.proc = subprocess.Popen(
            [str(BIN / "hustings"), "--db", url, "serve", "--port", str(self.port),
             "--workers", str(workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
            start_new_session=True)
        for _ in range(READY_TRIES):
            if self.proc.poll() is not None:
                raise AssertionError(f"the server stopped: {self.proc.stderr.read()!r}")  # type: ignore[union-attr]
            try:
                if httpx.get(self.base + "/api/elections", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError("the server did not start")

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=30)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def _clone(template: Any, name: str) -> str:
    from sqlalchemy import text

    admin, base, source = template
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
    return str(base.set(database=name).render_as_string(hide_password=False))


def _drop(template: Any, name: str) -> None:
    from sqlalchemy import text

    with template[0].connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _forget_redis_keys(redis_url: str | None, database_url: str) -> None:
    if not redis_url:
        return
    import redis

    from hustings.storage.redis_store import prefix_for

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix_for(database_url) + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="module", params=["redis", "postgres-only"])
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[Server, Server, str]]:
    """Workers A and B (two `hustings serve` processes) on one seeded PostgreSQL database,
    sharing through Redis, or through PostgreSQL alone."""
    redis_url = _require_redis() if request.param == "redis" else None
    template = request.getfixturevalue("postgres_template")
    name = f"hustings_workers_{os.getpid()}_{request.param.replace('-', '_')}"
    url = _clone(template, name)
    box = Container(Settings(url))
    try:
        seed(box.uow_factory)
    finally:
        box.close()
    a = Server(url, redis_url)
    try:
        b = Server(url, redis_url)
    except BaseException:
        a.stop()
        raise
    yield a, b, url
    a.stop()
    b.stop()
    _forget_redis_keys(redis_url, url)
    _drop(template, name)


def _sign_in(client: httpx.Client, name: str) -> str:
    r = client.post("/api/session", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


def _panel_from(server: Server, entered: threading.Event) -> str:
    """Read a live stream until its first panel (the caller bounds the wait). Without `since`
    the stream sends a panel only when its worker's broadcaster hears of a change."""
    with server.client() as client, client.stream(
            "GET", f"/elections/{SLUG}/live/events") as stream:
        assert stream.status_code == 200
        buffer = ""
        for chunk in stream.iter_text():
            buffer += chunk
            messages = buffer.split("\n\n")
            for message in messages[:-1]:
                if message.startswith("retry:"):
                    entered.set()  # the stream waits for news: the change may be made now
                if message.startswith("event: panel"):
                    return message
            buffer = messages[-1]
    raise AssertionError(f"the stream ended without a panel: {buffer!r}")


def _watch(server: Server) -> tuple[threading.Thread, threading.Event, list[str]]:
    entered = threading.Event()
    got: list[str] = []
    watcher = threading.Thread(target=lambda: got.append(_panel_from(server, entered)),
                               daemon=True)
    watcher.start()
    assert entered.wait(60)
    return watcher, entered, got


def test_a_sheet_entered_through_worker_a_reaches_a_live_watcher_on_worker_b(
        pair: tuple[Server, Server, str]) -> None:
    a, b, _url = pair
    with b.client() as reader:
        before = reader.get(f"/api/elections/{SLUG}/results").json()  # now cached on B
        page = reader.get(f"/elections/{SLUG}/live").text
    stamp = int(page.split("live/events?since=")[1].split('"')[0])
    watcher, _entered, got = _watch(b)
    with a.client() as clerk:
        csrf = _sign_in(clerk, "clerk")
        r = clerk.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                       headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201, r.text
    watcher.join(120)
    assert got, "worker B's watcher got no panel"
    assert "Precincts reporting: 3 of 3" in got[0]
    assert int(got[0].split("\nid: ")[1].split("\n")[0]) > stamp
    with b.client() as reader:  # B's page cache learnt it too (its own polling is hourly)
        after = reader.get(f"/api/elections/{SLUG}/results").json()
    assert after["version"] == before["version"] + 1


def test_a_session_opened_on_a_works_on_b_and_signing_out_on_b_ends_it_on_a(
        pair: tuple[Server, Server, str]) -> None:
    a, b, _url = pair
    with a.client() as on_a:
        csrf = _sign_in(on_a, "observer")
        cookies = dict(on_a.cookies)
    with b.client() as on_b:
        on_b.cookies.update(cookies)
        assert on_b.get("/api/session").json()["username"] == "observer"
        assert on_b.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    with a.client() as old:
        old.cookies.update(cookies)  # the cookie as it was before signing out
        assert old.get("/api/session").json()["username"] is None
        r = old.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                     headers={"X-CSRF-Token": csrf})
        assert r.status_code == 401, r.text


def test_failed_sign_ins_are_counted_across_workers(pair: tuple[Server, Server, str]) -> None:
    a, b, _url = pair
    wrong = {"username": "administrator", "password": "not the password at all"}
    for server in (a, b, a, b, a):  # WebConfig.signin_failures = 5 per user name
        with server.client() as c:
            assert c.post("/api/session", json=wrong).status_code == 401
    with b.client() as c:
        r = c.post("/api/session", json={"username": "administrator", "password": PASSWORD})
    assert r.status_code == 429, r.text
    assert int(r.headers["retry-after"]) >= 1


@pytest.mark.parametrize("channel", ["redis", "postgres-only"])
def test_serve_workers_2_on_one_port(channel: str, postgres_template: Any) -> None:
    """`hustings serve --workers 2`: sessions hold whichever worker answers, and a sheet
    entered on the port reaches a live watcher on the same port (polling hourly). Without
    Redis it also runs without HUSTINGS_SECRET_KEY: the workers share the key it makes."""
    redis_url = _require_redis() if channel == "redis" else None
    name = f"hustings_workers2_{os.getpid()}_{channel.replace('-', '_')}"
    url = _clone(postgres_template, name)
    box = Container(Settings(url))
    try:
        seed(box.uow_factory)
    finally:
        box.close()
    server = Server(url, redis_url, workers=2, secret=SECRET if redis_url else None)
    try:
        with server.client() as clerk:
            csrf = _sign_in(clerk, "clerk")
            names = [httpx.get(server.base + "/api/session", cookies=dict(clerk.cookies),
                               timeout=60).json()["username"] for _ in range(40)]
            assert set(names) == {"clerk"}  # new connections: both workers answer
            page = clerk.get(f"/elections/{SLUG}/live").text
            stamp = int(page.split("live/events?since=")[1].split('"')[0])
            watcher, _entered, got = _watch(server)
            r = clerk.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                           headers={"X-CSRF-Token": csrf})
            assert r.status_code == 201, r.text
            watcher.join(120)
        assert got and "Precincts reporting: 3 of 3" in got[0]
        assert int(got[0].split("\nid: ")[1].split("\n")[0]) > stamp
    finally:
        server.stop()
        _forget_redis_keys(redis_url, url)
        _drop(postgres_template, name)


def test_redis_going_away_leaves_public_pages_served_and_sign_in_a_clear_503(
        postgres_template: Any) -> None:
    from urllib.parse import urlsplit

    real = urlsplit(_require_redis())
    relay = Relay((real.hostname or "127.0.0.1", real.port or 6379))
    redis_url = f"redis://127.0.0.1:{relay.port}{real.path or '/0'}"
    name = f"hustings_workers_down_{os.getpid()}"
    url = _clone(postgres_template, name)
    box = Container(Settings(url))
    try:
        seed(box.uow_factory)
    finally:
        box.close()
    server = Server(url, redis_url, poll_seconds=0.5)
    try:
        with server.client() as c:
            csrf = _sign_in(c, "clerk")
            relay.cut()
            anonymous = httpx.Client(base_url=server.base, timeout=60)
            for path in ("/", f"/elections/{SLUG}", f"/api/elections/{SLUG}/results"):
                assert anonymous.get(path).status_code == 200, path
            r = anonymous.post("/api/session", json={"username": "clerk",
                                                      "password": PASSWORD})
            assert r.status_code == 503, r.text
            assert r.json()["error"]["code"] == "unavailable"
            assert "Redis" in r.json()["error"]["message"]
            assert "Traceback" not in r.text
            page = c.get(f"/elections/{SLUG}")  # a signed-in page needs the session: 503
            assert page.status_code == 503 and "Traceback" not in page.text
            relay.restore()  # Redis is back: the session was kept there all along
            for _ in range(READY_TRIES):
                r = c.get("/api/session")
                if r.status_code == 200:
                    break
                time.sleep(0.2)
            assert r.json()["username"] == "clerk"
            r = c.post(f"/api/elections/{SLUG}/tally-sheets", json=SHEET,
                       headers={"X-CSRF-Token": csrf})
            assert r.status_code == 201, r.text
            anonymous.close()
    finally:
        server.stop()
        relay.close()
        _forget_redis_keys(f"redis://{real.netloc}{real.path}", url)
        _drop(postgres_template, name)


@pytest.mark.parametrize(("redis_url", "shown", "hidden"), [
    ("redis://:s3cret-pass@127.0.0.1:1/0", "redis://:***@127.0.0.1:1/0", "s3cret-pass"),
    ("mysql://someone:s3cret-pass@db/x", "mysql://someone:***@db/x", "s3cret-pass"),
])
def test_a_bad_redis_url_stops_serve_with_the_url_named_without_its_password(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        sqlite_template: Path, redis_url: str, shown: str, hidden: str) -> None:
    shutil.copy(sqlite_template, tmp_path / "h.db")
    monkeypatch.setenv("HUSTINGS_REDIS_URL", redis_url)
    code, out, err = run_cli(capsys, "--db", f"sqlite:///{tmp_path / 'h.db'}", "serve",
                             "--port", str(_free_port()), "--workers", "2")
    assert code == 8, out + err
    assert shown in err and hidden not in out + err
    assert "Traceback" not in out + err


def test_serve_refuses_a_bad_worker_count_and_polling_interval(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "h.db")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    code, _out, err = run_cli(capsys, "--db", db, "serve", "--workers", "0")
    assert code == 2 and "--workers" in err
    monkeypatch.setenv("HUSTINGS_CHANGE_CHECK_SECONDS", "soon")
    code, _out, err = run_cli(capsys, "--db", db, "serve")
    assert code == 2 and "HUSTINGS_CHANGE_CHECK_SECONDS" in err and "'soon'" in err
