"""Benchmark: an online ballot's cast-to-receipt over the HTTP API, with concurrent voters.

The real `hustings serve` process (uvicorn) on loopback, over a SQLite database (or PostgreSQL
with --postgres URL) holding an open online poll (3 candidates, trustees 2 of 3). The ballots
are encrypted and signed beforehand (the client's work is not the server's); then `--clients`
threads each POST their share of the ballots to /api/elections/SLUG/online/ballots, one
request after another, and every request's time to the 201 with its tracker is recorded:
verifying the ballot's proofs and signature, the board append, the signed log entry, commit.

    .venv/bin/python benchmarks/bench_online.py [--ballots 200] [--clients 20]
        [--postgres URL] [--rate R ...] [--markdown FILE]

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


def cast_all(base: str, ballots: list[dict], clients: int,
             rate: float | None = None) -> tuple[list[float], float]:
    """`clients` voter threads cast `ballots`. Closed loop (rate None): each voter sends its
    next ballot as soon as the last is answered. Open loop (rate R): ballot i is due at i/R
    seconds and sent by a free voter then (a request's time counts from when it was sent)."""
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    route = f"{base}/api/elections/{SLUG}/online/ballots"
    start = time.perf_counter()

    def worker(mine: list[tuple[int, dict]]) -> None:
        with httpx.Client(timeout=60) as client:
            for i, body in mine:
                if rate is not None:
                    due = start + i / rate
                    wait = due - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                sent = time.perf_counter()
                r = client.post(route, json=body)
                took = time.perf_counter() - sent
                with lock:
                    if r.status_code != 201:
                        errors.append(r.text)
                    timings.append(took)

    numbered = list(enumerate(ballots))
    threads = [threading.Thread(target=worker, args=(numbered[i::clients],))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} ballots refused: {errors[0]}")
    return timings, wall


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's live children (the server)."""
    total, me, tick = 0.0, os.getpid(), os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


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
    parser.add_argument("--rate", type=float, action="append", default=None,
                        help="Open loop: ballots arriving per second (repeat for several "
                        "runs); closed loop when not given.")
    parser.add_argument("--markdown", default=None)
    args = parser.parse_args()
    machine = describe()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = [("SQLite", f"sqlite:///{Path(tmp) / 'online.db'}")]
        if args.postgres:
            backends.append(("PostgreSQL", fresh_postgres(args.postgres, "hustings_bench_online")))
        for name, url in backends:
            for rate in args.rate or [None]:
                ballots, enc_ms, ver_ms = prepare(url, args.ballots)
                with served(url) as base:
                    server_before = children_cpu()
                    timings, wall = cast_all(base, ballots, args.clients, rate)
                    server_cpu = children_cpu() - server_before
                rows.append((name, len(timings), args.clients,
                             "closed" if rate is None else f"{rate:g}/s",
                             pct(timings, 50), pct(timings, 95), pct(timings, 99),
                             len(timings) / wall, server_cpu * 1000 / len(timings), enc_ms,
                             ver_ms))
                if args.postgres and name == "PostgreSQL":
                    url = fresh_postgres(args.postgres, "hustings_bench_online")
                elif name == "SQLite":
                    Path(url.removeprefix("sqlite:///")).unlink()
        if args.postgres:
            drop_postgres(args.postgres, "hustings_bench_online")
    lines = [machine, f"load average at the end: {os.getloadavg()[0]:.2f}", "",
             "| backend | ballots | concurrent voters | arrivals | p50 (ms) | p95 (ms) | "
             "p99 (ms) | ballots/s | server CPU per ballot (ms) | "
             "encrypt (ms, client) | verify (ms, server) |",
             "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]:.1f} | {r[5]:.1f} | "
                     f"{r[6]:.1f} | {r[7]:.0f} | {r[8]:.2f} | {r[9]:.2f} | {r[10]:.2f} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
