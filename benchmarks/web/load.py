"""Web benchmark against the real `hustings serve` process (uvicorn), loopback only.

1. Load: 100 concurrent keep-alive clients on the public election page and the results JSON,
   on SQLite and on PostgreSQL (the Israeli Labor demo, `labor-2002`): requests/s, p50, p99.
2. Push: 1,000 watchers on the live page's Server-Sent Events stream; a clerk's sheet is
   accepted through the API; the time until each watcher has the new panel.

The load client is a minimal asyncio HTTP/1.1 client (one keep-alive connection per client),
so that the client's own cost stays small next to the server's on a 2-core machine.

    .venv/bin/python benchmarks/web/load.py [--postgres URL] [--requests 6000] [--clients 100]
        [--watchers 1000] [--markdown docs/benchmarks-web.md]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HUSTINGS = [str(Path(sys.executable).parent / "hustings")]
DEMO_SLUG = "labor-2002"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(url: str) -> Iterator[str]:
    """`hustings --db URL serve` in a child process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "HUSTINGS_SECRET_KEY": "benchmark-only"}
    child = subprocess.Popen([*HUSTINGS, "--db", url, "serve", "--port", str(port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/elections", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"hustings serve did not start: {child.stderr.read()!r}")
            time.sleep(0.2)
        yield base
    finally:
        child.terminate()
        child.wait(timeout=20)


def seed_demo(url: str) -> None:
    subprocess.run([*HUSTINGS, "--db", url, "demo"], check=True, stdout=subprocess.DEVNULL)


def seed_union(url: str) -> None:
    """The web tests' union election (precinct E still to report) and the clerk account."""
    from hustings.bootstrap import Container, Settings
    from tests.web.seed import seed

    box = Container(Settings(url))
    seed(box.uow_factory)
    box.close()


def fresh_postgres(url: str, name: str) -> str:
    """A new, empty database `name` on the server of `url`; returns its URL."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = url.rpartition("/")
    return f"{head}/{name}"


# --- load -----------------------------------------------------------------------------------


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str,
               path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: */*\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def hammer(base: str, path: str, total: int, clients: int) -> dict[str, float]:
    """Steady state: every client connects and makes one untimed request first, then all
    start together and share `total` timed requests."""
    host = base.removeprefix("http://")
    address, port = host.split(":")
    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))
    ready = 0
    start_all = asyncio.Event()

    async def client() -> None:
        nonlocal errors, ready
        reader, writer = await asyncio.open_connection(address, int(port))
        try:
            await _get(reader, writer, host, path)
            ready += 1
            await start_all.wait()
            for _ in queue:
                start = time.perf_counter()
                status = await _get(reader, writer, host, path)
                latencies.append(time.perf_counter() - start)
                errors += status != 200
        finally:
            writer.close()

    async with httpx.AsyncClient(base_url=base) as http:
        await http.get(path)  # fill the server's cache once, before the clients connect
    tasks = [asyncio.ensure_future(client()) for _ in range(clients)]
    while ready < clients:
        await asyncio.sleep(0.01)
    began = time.perf_counter()
    start_all.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000,
            "p99": latencies[max(int(len(latencies) * 0.99) - 1, 0)] * 1000}


def load_rows(backend: str, url: str, total: int, clients: int) -> list[str]:
    rows = []
    with served(url) as base:
        for path in (f"/elections/{DEMO_SLUG}", f"/api/elections/{DEMO_SLUG}/results"):
            s = asyncio.run(hammer(base, path, total, clients))
            row = (f"| {backend} | `{path}` | {clients} | {s['requests']:.0f} | {s['errors']:.0f} "
                   f"| {s['rps']:.0f} | {s['p50']:.1f} | {s['p99']:.1f} |")
            print(row, flush=True)
            rows.append(row)
    return rows


# --- push -----------------------------------------------------------------------------------


async def fan_out(base: str, slug: str, watchers: int) -> dict[str, float]:
    """Connect the watchers, accept one sheet as a clerk, time each watcher's panel event."""
    host = base.removeprefix("http://")
    address, port = host.split(":")
    connected = 0
    arrived: list[float] = []

    async def watch() -> None:
        nonlocal connected
        reader, writer = await asyncio.open_connection(address, int(port))
        writer.write(f"GET /elections/{slug}/live/events HTTP/1.1\r\nHost: {host}\r\n"
                     f"Accept: text/event-stream\r\n\r\n".encode())
        await reader.readuntil(b"retry: 2000\n\n")
        connected += 1
        await reader.readuntil(b"event: panel\n")
        arrived.append(time.perf_counter())
        writer.close()

    tasks = [asyncio.ensure_future(watch()) for _ in range(watchers)]
    while connected < watchers:
        await asyncio.sleep(0.05)
        if any(t.done() and t.exception() for t in tasks):
            raise SystemExit("a watcher failed to connect")
    await asyncio.sleep(1.0)  # every stream is waiting now
    sheet = {"precinct": "E", "registered": 6, "ballots_cast": 5,
             "votes": {"adler": 1, "baptiste": 3, "chen": 0}, "blank": 0, "invalid": 1}
    async with httpx.AsyncClient(base_url=base) as http:
        from tests.web.seed import PASSWORD

        token = (await http.post("/api/session", json={"username": "clerk",
                                                       "password": PASSWORD})).json()
        sent = time.perf_counter()
        r = await http.post(f"/api/elections/{slug}/tally-sheets", json=sheet,
                            headers={"X-CSRF-Token": token["csrf_token"]})
        accepted = time.perf_counter()
        assert r.status_code == 201, r.text
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    delays = sorted(t - sent for t in arrived)
    return {"watchers": len(arrived), "post": (accepted - sent) * 1000,
            "first": delays[0] * 1000, "p50": statistics.median(delays) * 1000,
            "last": delays[-1] * 1000}


def push_row(backend: str, url: str, watchers: int) -> str:
    from tests.web.seed import SLUG

    seed_union(url)
    with served(url) as base:
        s = asyncio.run(fan_out(base, SLUG, watchers))
    row = (f"| {backend} | {s['watchers']:.0f} | {s['post']:.0f} | {s['first']:.0f} | "
           f"{s['p50']:.0f} | {s['last']:.0f} |")
    print(row, flush=True)
    return row


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return (f"{os.cpu_count()} CPUs (`nproc`), {model}; Python {platform.python_version()}; "
            f"{datetime.date.today().isoformat()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("HUSTINGS_TEST_POSTGRES_URL"),
                        help="a PostgreSQL server URL (a database 'hustings_bench' is made)")
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    backends = [("SQLite", f"sqlite:///{folder}/load.db", f"sqlite:///{folder}/push.db")]
    if args.postgres:
        backends.append(("PostgreSQL", fresh_postgres(args.postgres, "hustings_bench_load"),
                         fresh_postgres(args.postgres, "hustings_bench_push")))
    print(f"# {machine()}")
    print("| database | path | clients | requests | errors | requests/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|---|")
    load: list[str] = []
    for backend, url, _ in backends:
        seed_demo(url)
        load += load_rows(backend, url, args.requests, args.clients)
    print("| database | watchers | POST answered ms | first event ms | median ms | last ms |")
    print("|---|---|---|---|---|---|")
    push = [push_row(backend, url, args.watchers) for backend, _, url in backends]
    if args.markdown:
        write_markdown(args.markdown, machine(), load, push, args)


def write_markdown(path: Path, where: str, load: list[str], push: list[str],
                   args: Any) -> None:
    text = f"""# Web benchmark

Measured by `benchmarks/web/load.py` against the real `hustings serve` (one uvicorn process)
on loopback; the load client runs on the same machine. Machine: {where}.

    .venv/bin/python benchmarks/web/load.py --postgres $HUSTINGS_TEST_POSTGRES_URL \\
        --requests {args.requests} --clients {args.clients} --watchers {args.watchers} \\
        --markdown docs/benchmarks-web.md

## Load: {args.clients} concurrent clients (keep-alive), the 2002 Labor election

| database | path | clients | requests | errors | requests/s | p50 ms | p99 ms |
|---|---|---|---|---|---|---|---|
{chr(10).join(load)}

Target: p99 ≤ 50 ms and ≥ 500 requests/s.

## Push: the live page's Server-Sent Events to {args.watchers} watchers

Times from sending the clerk's sheet (`POST /api/elections/SLUG/tally-sheets`, one-clerk
election) to each watcher reading its `panel` event. Target: the last watcher within 1 s.

| database | watchers | POST answered ms | first event ms | median ms | last ms |
|---|---|---|---|---|---|
{chr(10).join(push)}
"""
    notes = "\n## Reading the numbers"
    if path.exists() and notes in path.read_text(encoding="utf-8"):  # keep the reviewed notes
        text += notes + path.read_text(encoding="utf-8").split(notes, 1)[1]
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
