"""The stall benchmark (issue 15.1): 100 concurrent keep-alive clients against the real
`hustings serve` on the demo (SQLite), loopback only, bounded by the number of requests:
the home page, the election page, the results API and a static file — requests/s, p50, p99.

    .venv/bin/python benchmarks/web/stalls.py [--requests 3000] [--clients 100] [--db URL]

Run it on two trees to compare (e.g. `PYTHONPATH=/path/to/old/src` for the code before a
change): the server child process imports hustings from the same path.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import DEMO_SLUG, hammer, machine, seed_demo, served  # noqa: E402

PATHS = ("/", f"/elections/{DEMO_SLUG}", f"/api/elections/{DEMO_SLUG}/results", "/history",
         "/static/favicon.svg")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--db", help="an existing demo database URL (default: build one)")
    parser.add_argument("--label", default="", help="a label for the rows (e.g. before)")
    args = parser.parse_args()
    url = args.db
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp()}/demo.db"
        seed_demo(url)
    print(f"# {machine()}; load average {os.getloadavg()[0]:.1f} at the start")
    print("| code | path | clients | requests | errors | requests/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|---|")
    server, client = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(
        resource.RUSAGE_SELF)
    with served(url) as base:
        for path in PATHS:
            s = asyncio.run(hammer(base, path, args.requests, args.clients))
            print(f"| {args.label} | `{path}` | {args.clients} | {s['requests']:.0f} | "
                  f"{s['errors']:.0f} | {s['rps']:.0f} | {s['p50']:.1f} | {s['p99']:.1f} |",
                  flush=True)
    cpu = {name: (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
           for name, before, after in (
               ("server", server, resource.getrusage(resource.RUSAGE_CHILDREN)),
               ("load client", client, resource.getrusage(resource.RUSAGE_SELF)))}
    print(f"# CPU: server {cpu['server']:.1f} s, load client {cpu['load client']:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
