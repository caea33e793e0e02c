"""`hustings count` in every ballot format against a plain pyrankvote script, whole process.

    .venv/bin/python benchmarks/formats/run.py [--sizes 1000000] [--big 10000000] [--limit 300]

The same ballots (benchmarks/formats/generate.py) are written in every format into
benchmarks/data/ (kept between runs). Each tool runs as its own process: hustings as the
installed console script, `hustings count FILE --method irv|stv --format json`, three runs,
median CPU (user + system, from the kernel's accounting of the child) and median wall time;
pyrankvote once (it is slow) in .venv-bench, reading the same file with the standard library
(benchmarks/formats/peers.py). `--big`: hustings only, one run, with its peak memory (maximum
resident set). Writes docs/benchmarks-formats.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DATA = ROOT / "benchmarks" / "data"
BENCH_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
HUSTINGS = str(Path(sys.executable).with_name("hustings"))
CASES = (("irv", 1), ("stv", 3))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from generate import FORMATS, path_for  # noqa: E402  (benchmarks/formats/generate.py)
from machine import describe  # noqa: E402


def measured(command: list[str], limit: float, times: int) -> tuple[float, float, int, str]:
    """Medians of `times` runs; CPU is measured per child with wait4."""
    walls, cpus, peaks, last = [], [], [], ""
    for _ in range(times):
        wall, cpu, peak, last = run_child(command, limit)
        walls.append(wall)
        cpus.append(cpu)
        peaks.append(peak)
        if wall == float("inf"):
            break
    return statistics.median(walls), statistics.median(cpus), max(peaks), last


def run_child(command: list[str], limit: float) -> tuple[float, float, int, str]:
    """One run with its own resource usage (os.wait4 on the child)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = start + limit
    out = err = b""
    import selectors

    sel = selectors.DefaultSelector()
    assert child.stdout is not None and child.stderr is not None
    sel.register(child.stdout, selectors.EVENT_READ)
    sel.register(child.stderr, selectors.EVENT_READ)
    open_streams = 2
    while open_streams:
        if time.perf_counter() > deadline:
            child.kill()
            os.wait4(child.pid, 0)
            return float("inf"), float("inf"), 0, "timeout"
        for key, _ in sel.select(timeout=1):
            chunk = os.read(key.fd, 1 << 16)
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
            elif key.fileobj is child.stdout:
                out += chunk
            else:
                err += chunk
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        text = err.decode(errors="replace").strip().splitlines() or ["?"]
        return float("inf"), float("inf"), 0, text[-1][:100]
    lines = out.decode(errors="replace").strip().splitlines() or [""]
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, lines[-1]


def seconds(value: float) -> str:
    return "failed" if value == float("inf") else f"{value:.2f} s"


def winners(line: str) -> str:
    import json

    try:
        return ", ".join(json.loads(line)["winners"])
    except (ValueError, KeyError, TypeError):
        return line


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n:,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--big", type=int, nargs="*", default=[10_000_000])
    parser.add_argument("--big-formats", nargs="+", default=["csv", "blt", "preflib", "abif"])
    parser.add_argument("--formats", nargs="+", default=list(FORMATS))
    parser.add_argument("--limit", type=float, default=300)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-formats.md")
    args = parser.parse_args()
    machine = describe()  # the load average at the start
    # an installed package has its bytecode; an editable one run with PYTHONDONTWRITEBYTECODE
    # would compile every module on every run (0.3 s), which is not what a user pays
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True,
                   stdout=subprocess.DEVNULL)
    rows, big_rows = [], []
    for size, formats, big in [(s, args.formats, False) for s in args.sizes] + [
            (s, args.big_formats, True) for s in args.big]:
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(size), str(DATA),
                        "--formats", *formats], check=True)
        for fmt in formats:
            path = path_for(DATA, size, fmt)
            for method, seats in CASES:
                command = [HUSTINGS, "count", str(path), "--method", method, "--seats",
                           str(seats), "--format", "json"]
                wall, cpu, peak, last = measured(command, args.limit, 1 if big else 3)
                print(fmt, label(size), method, seconds(wall), seconds(cpu), peak, "MB",
                      winners(last), flush=True)
                if big:
                    big_rows.append(f"| {label(size)} | {fmt} | {method} ({seats}) | "
                                    f"{seconds(wall)} | {seconds(cpu)} | {peak:,} MB | "
                                    f"{winners(last)} |")
                    continue
                peer = "not run"
                ratio = ""
                if not args.no_peers and BENCH_PYTHON.exists():
                    p_wall, p_cpu, _, p_last = run_child(
                        [str(BENCH_PYTHON), str(HERE / "peers.py"), method, fmt, str(path),
                         str(seats)], args.limit)
                    peer = f"{seconds(p_wall)} / {seconds(p_cpu)}"
                    if p_cpu != float("inf") and cpu != float("inf"):
                        ratio = f"{p_cpu / cpu:.1f}×"
                    print("  pyrankvote", seconds(p_wall), seconds(p_cpu), p_last, flush=True)
                rows.append(f"| {label(size)} | {fmt} | {method} ({seats}) | {seconds(wall)} | "
                            f"{seconds(cpu)} | {peak:,} MB | {peer} | {ratio} | "
                            f"{winners(last)} |")
    text = (
        "## Every ballot format, whole process (`hustings count`)\n\n"
        f"{machine} Load average {os.getloadavg()[0]:.2f} at the end (the machine is "
        "shared: wall times under load are long, CPU times much less affected).\n\n"
        "The same synthetic ballots (10 candidates, most voters rank 1-5; "
        "`benchmarks/formats/generate.py`) in every format: one ballot a line in CSV, BLT and "
        "ABIF, one CVR per ballot in NIST SP 1500-103 JSON, each distinct order once with its "
        "count in PrefLib (the format requires it). hustings: the installed console script, "
        "`hustings count FILE --method irv` (and `--method stv --seats 3`, WIGM) `--format "
        "json`, median of 3 runs; CPU is user + system time of the process (the package's "
        "bytecode compiled first, as an installed one has it). pyrankvote: one "
        "run of a plain script reading the same file with the standard library "
        "(`benchmarks/formats/peers.py`); ratio = pyrankvote CPU / hustings CPU. pref_voting "
        "and votekit take 86-112 s on the 1M CSV (counting section) and are not run per "
        "format.\n\n"
        "| ballots | format | method (seats) | hustings wall | hustings CPU | peak memory | "
        "pyrankvote wall / CPU | ratio (CPU) | winners |\n"
        "|---|---|---|---:|---:|---:|---:|---:|---|\n" + "\n".join(rows) + "\n\n"
        "### 10,000,000 ballots (hustings, one run)\n\n"
        "| ballots | format | method (seats) | wall | CPU | peak memory | winners |\n"
        "|---|---|---|---:|---:|---:|---|\n" + "\n".join(big_rows) + "\n"
    )
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
