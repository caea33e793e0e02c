"""Load test: 100 concurrent clients against the election page and the results JSON.

Loopback only, bounded in requests and seconds. Seeds the Israeli Labor demo when the
`plurality` method is registered, else the web tests' small union election.

    .venv/bin/python benchmarks/web/load.py [--db URL] [--requests 3000] [--clients 100]
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hustings.bootstrap import Container, Settings  # noqa: E402
from hustings.services.elections import known_methods  # noqa: E402
from hustings.web.app import create_app  # noqa: E402


def seed(container: Container) -> str:
    if "plurality" in known_methods():
        from hustings.services.demo import build_demo

        build_demo(container.uow_factory, ROOT / "examples" / "israeli-labor")
        return "labor-2002"
    from tests.web.seed import SLUG
    from tests.web.seed import seed as seed_union

    seed_union(container.uow_factory)
    return SLUG


async def hammer(base: str, path: str, total: int, clients: int, limit: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    queue = iter(range(total))
    deadline = time.perf_counter() + limit

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            for _ in queue:
                if time.perf_counter() > deadline:
                    return
                start = time.perf_counter()
                r = await http.get(path)
                latencies.append(time.perf_counter() - start)
                errors += r.status_code != 200

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    container = Container(Settings(url))
    slug = seed(container)
    app = create_app(container.settings, container=container)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    backend = url.split(":", 1)[0]
    print(f"# {backend}, {args.clients} clients, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}")
    for path in (f"/elections/{slug}", f"/api/elections/{slug}/results"):
        stats = asyncio.run(hammer(base, path, args.requests, args.clients, args.seconds))
        print(f"| {backend} | `{path}` | {stats['requests']:.0f} | {stats['errors']:.0f} | "
              f"{stats['rps']:.0f} | {stats['p50']:.1f} | {stats['p99']:.1f} |")
    server.should_exit = True
    thread.join(timeout=10)
    container.close()


if __name__ == "__main__":
    main()
