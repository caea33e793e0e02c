"""Web benchmark with several workers: `hustings serve --workers N` (N = 1, 2) against the real
server on loopback, SQLite and PostgreSQL, with and without Redis.

1. Load: `--clients` concurrent keep-alive clients on the demo's election page and results
   JSON (`labor-2002`): requests/s, p50, p99, and the server's CPU seconds (every worker).
2. Push: `--watchers` watchers on the live page's event stream, spread by the kernel over the
   workers; one clerk's sheet through the same port (so the other worker's watchers get the
   news over the change channel: Redis, PostgreSQL NOTIFY, or SQLite polling); the time until
   each watcher has the new panel.

Reuses `load.py`'s client (`hammer`, `fan_out`). The load client shares the 2 cores with the
server: at 10,000 watchers it is the client that limits.

    .venv/bin/python benchmarks/web/workers.py [--postgres URL] [--redis URL] [--requests 3000]
        [--clients 100] [--watchers 1000] [--many 10000] [--markdown docs/benchmarks-workers.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (  # noqa: E402  (load.py is a script beside this one)
    DEMO_SLUG,
    HUSTINGS,
    fan_out,
    free_port,
    fresh_postgres,
    hammer,
    machine,
    seed_demo,
    seed_union,
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def served(url: str, workers: int, redis_url: str | None) -> Iterator[tuple[str, list[float]]]:
    """`hustings --db URL serve --workers N`; yields (base URL, [server CPU s once stopped])."""
    port = free_port()
    env = {**os.environ, "HUSTINGS_SECRET_KEY": "benchmark-only"}
    env.pop("HUSTINGS_REDIS_URL", None)
    if redis_url:
        env["HUSTINGS_REDIS_URL"] = redis_url
    before = _children_cpu()
    child = subprocess.Popen([*HUSTINGS, "--db", url, "serve", "--port", str(port),
                              "--workers", str(workers)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    cpu: list[float] = []
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(base + "/api/elections", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"hustings serve did not start: {child.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.2)
        time.sleep(2.0)  # let every worker finish starting (they answer as they come up)
        yield base, cpu
    finally:
        child.terminate()
        child.wait(timeout=60)
        cpu.append(_children_cpu() - before)  # the supervisor waits for its workers


def load_rows(label: str, url: str, workers: int, redis_url: str | None, total: int,
              clients: int) -> list[str]:
    rows = []
    with served(url, workers, redis_url) as (base, _cpu):
        for path in (f"/elections/{DEMO_SLUG}", f"/api/elections/{DEMO_SLUG}/results"):
            client_cpu = time.process_time()
            s = asyncio.run(hammer(base, path, total, clients))
            client_cpu = time.process_time() - client_cpu
            rows.append(f"| {label} | {workers} | `{path}` | {clients} | {s['requests']:.0f} | "
                        f"{s['errors']:.0f} | {s['rps']:.0f} | {s['p50']:.1f} | "
                        f"{s['p99']:.1f} | {client_cpu:.1f} |")
            print(rows[-1], flush=True)
    return rows


def push_row(label: str, url: str, workers: int, redis_url: str | None, watchers: int) -> str:
    from tests.web.seed import SLUG

    seed_union(url)
    with served(url, workers, redis_url) as (base, cpu):
        wall = time.perf_counter()
        client_cpu = time.process_time()
        s = asyncio.run(fan_out(base, SLUG, watchers))
        client_cpu = time.process_time() - client_cpu
        wall = time.perf_counter() - wall
    row = (f"| {label} | {workers} | {s['watchers']:.0f} | {s['post']:.0f} | {s['first']:.0f} | "
           f"{s['p50']:.0f} | {s['last']:.0f} | {wall:.1f} | {cpu[0]:.1f} | {client_cpu:.1f} |")
    print(row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("HUSTINGS_TEST_POSTGRES_URL"))
    parser.add_argument("--redis", default=os.environ.get("HUSTINGS_TEST_REDIS_URL"))
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--many", type=int, default=10000, help="watchers of the big run "
                        "(two workers, PostgreSQL and Redis); 0 skips it")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--markdown", type=Path, help="append the tables to this file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    print(f"# {machine()}; load average {os.getloadavg()[0]:.1f} at start", flush=True)
    load: list[str] = []
    databases = [("SQLite", f"sqlite:///{folder}/load.db")]
    if args.postgres:
        databases.append(("PostgreSQL", fresh_postgres(args.postgres, "hustings_bench_wload")))
    if not args.skip_load:
        print("| database | workers | path | clients | requests | errors | requests/s | p50 ms "
              "| p99 ms | client CPU s |")
        for label, url in databases:
            seed_demo(url)
            for workers in (1, 2):
                load += load_rows(label, url, workers, None, args.requests, args.clients)
    print("| database | workers | watchers | POST answered ms | first event ms | median ms | "
          "last ms | wall s | server CPU s | client CPU s |")
    runs: list[tuple[str, str, int, str | None, int]] = [
        ("SQLite (polling)", f"sqlite:///{folder}/push1.db", 1, None, args.watchers),
        ("SQLite (polling)", f"sqlite:///{folder}/push2.db", 2, None, args.watchers)]
    if args.postgres:
        runs.append(("PostgreSQL NOTIFY", fresh_postgres(args.postgres, "hustings_bench_wp1"),
                      2, None, args.watchers))
        if args.redis:
            runs.append(("PostgreSQL + Redis",
                         fresh_postgres(args.postgres, "hustings_bench_wp2"), 2, args.redis,
                         args.watchers))
            if args.many:
                runs.append(("PostgreSQL + Redis",
                             fresh_postgres(args.postgres, "hustings_bench_wp3"), 2,
                             args.redis, args.many))
    push = [push_row(*run) for run in runs]
    print(f"# load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as out:
            out.write(f"\n## Run of {machine()}\n\nLoad average at start/end: see above.\n\n")
            out.write("\n".join(load + [""] + push) + "\n")


if __name__ == "__main__":
    main()
