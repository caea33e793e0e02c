"""Benchmark: an online ballot's cast-to-receipt over the HTTP API, with concurrent voters.

The real `hustings serve` process (uvicorn) on loopback, over a SQLite database (or PostgreSQL
with --postgres URL) holding an open online poll (3 candidates, trustees 2 of 3). The ballots
are encrypted and signed beforehand (the client's work is not the server's); then `--clients`
threads each POST their share of the ballots to /api/elections/SLUG/online/ballots, one
request after another, and every request's time to the 201 with its tracker is recorded:
verifying the ballot's proofs and signature, the board append, the signed log entry, commit.

    .venv/bin/python benchmarks/bench_online.py [--ballots 200] [--clients 20]
        [--postgres URL] [--markdown FILE]

Also printed: the client's encryption per ballot and the server-side verification per ballot
(in process, median), the issue's per-ballot targets (3 ms each on one core).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "web"))
os.environ.setdefault("HUSTINGS_INSECURE_FAST_KDF", "1")  # test users' keys: fast to open

from load import fresh_postgres, served  # noqa: E402
from machine import describe  # noqa: E402

from hustings.bootstrap import Container, Settings  # noqa: E402
from hustings.crypto.ballot import Ballot, verify_ballot  # noqa: E402
from hustings.services import online  # noqa: E402
from hustings.services import online_clients as oc  # noqa: E402

SLUG = "bench-online"


def prepare(url: str, voters: int) -> tuple[list[dict], float, float]:
    """An open online poll with `voters` credentials; their ballots, pre-encrypted."""
    from tests.online.flow import election, opened

    box = Container(Settings(url))
    try:
        election(box.uow_factory, SLUG, members=voters)
        poll = opened(box.uow_factory, SLUG)
        crypto = online.crypto_election_of(box.uow_factory, SLUG)
        ballots, enc = [], []
        for i, credential in enumerate(poll.credentials.values()):
            start = time.perf_counter()
            ballots.append(oc.encrypt_vote(box.uow_factory, SLUG, credential,
                                           [("ada", "ben", "cleo")[i % 3]]))
            enc.append(time.perf_counter() - start)
        ver = []
        for body in ballots[:50]:
            ballot = Ballot.from_json(body)
            start = time.perf_counter()
            verify_ballot(crypto, ballot)
            ver.append(time.perf_counter() - start)
    finally:
        box.close()
    return ballots, statistics.median(enc) * 1000, statistics.median(ver) * 1000


def cast_all(base: str, ballots: list[dict], clients: int) -> tuple[list[float], float]:
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    route = f"{base}/api/elections/{SLUG}/online/ballots"

    def worker(mine: list[dict]) -> None:
        with httpx.Client(timeout=60) as client:
            for body in mine:
                start = time.perf_counter()
                r = client.post(route, json=body)
                took = time.perf_counter() - start
                with lock:
                    if r.status_code != 201:
                        errors.append(r.text)
                    timings.append(took)

    threads = [threading.Thread(target=worker, args=(ballots[i::clients],))
               for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} ballots refused: {errors[0]}")
    return timings, wall


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    machine = describe()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite", f"sqlite:///{Path(tmp) / 'online.db'}")]
        if args.postgres:
            backends.append(("PostgreSQL", fresh_postgres(args.postgres, "hustings_bench_online")))
        for name, url in backends:
            ballots, enc_ms, ver_ms = prepare(url, args.ballots)
            with served(url) as base:
                timings, wall = cast_all(base, ballots, args.clients)
            rows.append((name, len(timings), args.clients, pct(timings, 50), pct(timings, 95),
                         pct(timings, 99), len(timings) / wall, enc_ms, ver_ms))
        if args.postgres:
            drop_postgres(args.postgres, "hustings_bench_online")
    lines = [machine, "",
             "| backend | ballots | concurrent voters | p50 (ms) | p95 (ms) | p99 (ms) | "
             "ballots/s | encrypt (ms, client) | verify (ms, server) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.1f} | {r[4]:.1f} | {r[5]:.1f} | "
                     f"{r[6]:.0f} | {r[7]:.2f} | {r[8]:.2f} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
