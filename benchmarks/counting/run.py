"""Time `hustings count FILE` against pyrankvote, pref_voting and votekit, file to result.

    .venv/bin/python benchmarks/counting/run.py [--sizes 1000000 10000000] [--limit 300]

Generates the CSV CVRs into benchmarks/data/ if absent, runs every tool as its own process
(peers in .venv-bench) with a time limit, and writes docs/benchmarks-counting.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DATA = ROOT / "benchmarks" / "data"
BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
PEERS = ("pyrankvote", "pref_voting", "votekit")
CASES = (("irv", 1), ("stv", 3))
sys.path.insert(0, str(HERE.parent))
from machine import describe  # noqa: E402

HUSTINGS = str(Path(sys.executable).with_name("hustings"))  # the installed console script


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else str(n)


def timed(command: list[str], limit: float, env: dict[str, str]) -> tuple[str, str]:
    """Wall time as text ('12.3 s', '>300 s' or 'failed') and the last line of output."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit, env=env,
                              cwd=ROOT)
    except subprocess.TimeoutExpired:
        return f">{limit:g} s", ""
    took = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return "failed", last[:120]
    return f"{took:.1f} s", (done.stdout.strip().splitlines() or [""])[-1]


def _seconds(cell: str) -> float:
    """'1.3 s' -> 1.3; a failure or a timeout sorts last."""
    try:
        return float(cell.removesuffix(" s"))
    except ValueError:
        return float("inf")


def _size(text: str) -> int:
    return int(text[:-1]) * 1_000_000 if text.endswith("M") else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--limit", type=float, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-counting.md")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    rows = []
    exceeded: set[tuple[str, str]] = set()
    for size in args.sizes:
        path = DATA / f"cvr-{label(size).lower()}.csv"
        if not path.exists():
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(path)],
                           check=True)
        for method, seats in CASES:
            command = [HUSTINGS, "count", str(path),
                       "--method", method, "--seats", str(seats), "--format", "json"]
            runs = [timed(command, args.limit, env) for _ in range(3)]
            ours, result = sorted(runs, key=lambda r: _seconds(r[0]))[1]  # the median of 3
            winners = ", ".join(json.loads(result)["winners"]) if result.startswith("{") else ""
            cells = [ours]
            for peer in PEERS:
                if (peer, method) in exceeded:
                    cells.append(f">{args.limit:g} s (at a smaller size)")
                    continue
                peer_cmd = [str(BENCH_PYTHON), str(HERE / "peers.py"), peer, method, str(path),
                            str(seats)]
                took, note = timed(peer_cmd, args.limit, dict(os.environ))
                if took.startswith(">"):
                    exceeded.add((peer, method))
                cells.append(took if took != "failed" else f"failed: {note[:100]}")
                print(peer, method, label(size), took, note, flush=True)
            print("hustings", method, label(size), ours, winners, flush=True)
            rows.append(f"| {label(size)} | {method} ({seats} seat{'s' if seats > 1 else ''}) | "
                        + " | ".join(cells) + f" | {winners} |")
    if args.out.exists():  # keep the rows of sizes not measured in this run
        done = {label(size) for size in args.sizes}
        kept = [line for line in args.out.read_text().splitlines()
                if line.startswith("| ") and line.split(" | ")[0][2:] not in done
                and line.split(" | ")[0][2:][:1].isdigit()]
        rows = kept + rows
        rows.sort(key=lambda line: _size(line.split(" | ")[0][2:]))
    header = ("| ballots | method | hustings | " + " | ".join(PEERS) + " | hustings winners |\n"
              "|---|---|---|" + "---|" * len(PEERS) + "---|")
    text = (
        "## Counting a ballot file, whole process (`hustings count`)\n\n"
        f"{describe()}\n\n"
        "Whole process, file to result: each tool runs as its own process on the same synthetic "
        "CSV CVR (10 candidates, most voters rank 1-5; `benchmarks/counting/generate.py`), "
        f"with a {args.limit:g} s limit. hustings runs `hustings count FILE --method irv` "
        "(and `--method stv --seats 3`, WIGM) with `--format json`, median of 3 runs; peers (one "
        "run each, they are slow) read the CSV the way "
        "their documentation suggests (`benchmarks/counting/peers.py`, in `.venv-bench`).\n\n"
        f"{header}\n" + "\n".join(rows) + "\n"
    )
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
