"""Engine benchmark: the counting core alone, in process, against peers given the same ballots.

    .venv/bin/python benchmarks/engine/run.py [--ballots 1000000] [--out FILE]

Every tool receives the same seeded ballots already merged into unique rankings with counts
(`ballots.py`), so only the count is timed (file reading is in benchmarks/counting/). hustings
is timed for each method of its registry that takes a ranking; peers (pref_voting, pyrankvote)
run in .venv-bench for the methods they have. Writes a Markdown section.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from ballots import CANDIDATES, rankings, unique  # noqa: E402
from machine import describe  # noqa: E402

from hustings.counting.profile import compress  # noqa: E402
from hustings.counting.registry import get_method  # noqa: E402

METHODS = [("plurality", 1), ("two-round", 1), ("irv", 1), ("stv", 3), ("borda", 1),
           ("schulze", 1), ("ranked-pairs", 1), ("copeland", 1), ("minimax", 1)]
BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"


def best_of(times: int, call):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(times):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-engine.md")
    args = parser.parse_args()
    order = rankings(args.ballots)
    names = tuple(f"C{i}" for i in range(CANDIDATES))
    squeeze, _ = best_of(3, lambda: compress(names, order, np.ones(len(order), np.int64)))
    rows, counts = unique(order)
    build, profile = best_of(3, lambda: compress(names, rows, counts))
    ours: dict[str, tuple[float, list[str]]] = {"profile": (build, [])}
    for method, seats in METHODS:
        took, outcome = best_of(3, lambda m=method, s=seats: get_method(m).count(profile, s))
        ours[method] = (took, sorted(outcome.winners))
    theirs: dict[tuple[str, str], str] = {}
    if BENCH_PYTHON.exists():
        done = subprocess.run([str(BENCH_PYTHON), str(HERE / "peers.py"), str(args.ballots)],
                              capture_output=True, text=True, timeout=900)
        for line in done.stdout.splitlines():
            row = json.loads(line)
            if "error" in row:
                theirs[(row["peer"], row.get("method", "*"))] = row["error"]
                continue
            same = ("" if row["method"] not in ours or row["winners"] == ours[row["method"]][1]
                    else " (other winner!)")
            theirs[(row["peer"], row["method"])] = f"{row['seconds'] * 1000:,.1f} ms{same}"
    peers = ("pref_voting", "pyrankvote")
    lines = [
        "## Counting engine, in process",
        "",
        describe(),
        "",
        f"{args.ballots:,} seeded ballots, 10 candidates, {len(rows):,} unique rankings "
        f"(`benchmarks/engine/run.py`). Every tool is given the unique rankings with counts "
        f"and only its count call is timed (best of 3 for hustings, one run for peers). "
        f"hustings compresses the {args.ballots:,} raw rows in {squeeze * 1000:,.0f} ms. "
        "pyrankvote has no ballot weights, so it gets one object per ballot. A blank cell: "
        "the peer has no such method. The `profile` row is building each tool's profile object "
        "from the unique rankings (pref_voting computes its pairwise margins there, which is "
        "why its Condorcet methods then take well under a millisecond; hustings computes the "
        "pairwise matrix inside each Condorcet count, so its times include it).",
        "",
        "| method | hustings | " + " | ".join(peers) + " | winners (hustings) |",
        "|---|---:|" + "---:|" * len(peers) + "---|",
    ]
    for method in ["profile", *(m for m, _ in METHODS)]:
        took, winners = ours[method]
        cells = [theirs.get((p, method)) or theirs.get((p, "*"), "") for p in peers]
        lines.append(f"| {method} | {took * 1000:,.1f} ms | " + " | ".join(cells)
                     + f" | {', '.join(winners)} |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
