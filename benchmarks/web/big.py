"""The 1,000,000-member election on the web (issue 15): the first election page (time and
bytes, nothing cached), then 100 concurrent clients on the election page and the results API.

The database is built once by the workflow benchmark's steps (`bench_workflow.one`: precincts,
members, roll freeze, both clerks' sheets for every precinct, provisional, certified) and kept
in `--folder`, so later runs (another code version: `PYTHONPATH=<its src>`) reuse it.

    .venv/bin/python benchmarks/web/big.py --folder /tmp/big [--members 1000000]
        [--precincts 5000] [--requests 3000] [--clients 100] [--label after]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import httpx  # noqa: E402
from load import hammer, machine, served  # noqa: E402

SLUG = "bench"
PAGES = (f"/elections/{SLUG}", f"/api/elections/{SLUG}/results")


def build(folder: Path, members: int, precincts: int) -> str:
    """The database (SQLite) in `folder`, built unless it is already there; its URL."""
    from bench_workflow import make_files, one

    db = folder / f"big-{members}x{precincts}.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        files = folder / f"files-{members}x{precincts}"
        files.mkdir(parents=True, exist_ok=True)
        print(f"building {db} …", file=sys.stderr, flush=True)
        one(url, make_files(files, members, precincts))
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--precincts", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    url = build(args.folder, args.members, args.precincts)
    print(f"# {machine()}")
    with served(url) as base:
        for path in PAGES:
            start = time.perf_counter()
            r = httpx.get(base + path, timeout=120)
            took = time.perf_counter() - start
            again = time.perf_counter()
            httpx.get(base + path, timeout=120)
            cached = time.perf_counter() - again
            print(f"| {args.label} | first `{path}` | {r.status_code} | {took * 1000:.0f} ms | "
                  f"{len(r.content) / 1000:.0f} kB | second {cached * 1000:.0f} ms |", flush=True)
        print("| code | path | clients | requests | errors | requests/s | p50 ms | p99 ms |")
        print("|---|---|---|---|---|---|---|---|")
        for path in PAGES:
            s = asyncio.run(hammer(base, path, args.requests, args.clients))
            print(f"| {args.label} | `{path}` | {args.clients} | {s['requests']:.0f} | "
                  f"{s['errors']:.0f} | {s['rps']:.0f} | {s['p50']:.1f} | {s['p99']:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
