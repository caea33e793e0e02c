"""Benchmark: CPU per cast, in process, with and without group commit (load-independent).

    .venv/bin/python benchmarks/bench_cast_cpu.py [--ballots 300] [--threads 20]
        [--postgres URL]

`--threads` threads call `services.online.cast` at once (as the web server's thread pool
does) on an open poll; the process's CPU time (`time.process_time`, all threads) and the
wall-clock time are divided by the ballots. Run twice: casts grouped (several appended in one
transaction, the default) and one transaction per cast (CastGroups.MAX = 1). CPU per ballot
is what bounds the throughput on 2 cores, whatever else the machine runs; the share done under
the writer lock is what no second core can help with.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "web"))
os.environ.setdefault("HUSTINGS_INSECURE_FAST_KDF", "1")

from load import fresh_postgres  # noqa: E402
from machine import describe  # noqa: E402

from hustings.bootstrap import Container, Settings  # noqa: E402
from hustings.services import online  # noqa: E402
from hustings.services import online_clients as oc  # noqa: E402

SLUG = "bench-cast-cpu"


def run(url: str, ballots: int, threads: int, group: int) -> tuple[float, float]:
    from tests.online.flow import election, opened

    box = Container(Settings(url))
    try:
        election(box.uow_factory, SLUG, members=ballots)
        poll = opened(box.uow_factory, SLUG)
        bodies = [oc.encrypt_vote(box.uow_factory, SLUG, c, ["ada"])
                  for c in poll.credentials.values()]
        online.CastGroups.MAX = group
        online.cast(box.uow_factory, SLUG, bodies.pop())  # warm: the board key opened
        wall, cpu = time.perf_counter(), time.process_time()
        workers = [threading.Thread(target=lambda mine: [online.cast(box.uow_factory, SLUG, b)
                                                         for b in mine],
                                    args=(bodies[i::threads],)) for i in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        with box.uow_factory() as uow:
            assert online.current_poll(uow, SLUG).ballots == ballots
    finally:
        online.CastGroups.MAX = 64
        box.close()
    return cpu * 1000 / len(bodies), len(bodies) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    print(describe())
    print(f"load average at the start: {os.getloadavg()[0]:.2f}\n")
    print("| backend | casts | threads | transactions | CPU per cast (ms) | casts/s (wall) |")
    print("|---|---:|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for group, label in ((64, "grouped (up to 64 a commit)"), (1, "one per cast")):
            urls = [("SQLite", f"sqlite:///{Path(tmp) / f'c{group}.db'}")]
            if args.postgres:
                urls.append(("PostgreSQL", fresh_postgres(args.postgres, f"hustings_cast_{group}")))
            for name, url in urls:
                cpu, rate = run(url, args.ballots, args.threads, group)
                print(f"| {name} | {args.ballots - 1} | {args.threads} | {label} | {cpu:.2f} | "
                      f"{rate:.0f} |", flush=True)
                if name == "PostgreSQL":
                    from bench_online import drop_postgres

                    drop_postgres(args.postgres, f"hustings_cast_{group}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
