"""Run every benchmark and assemble docs/benchmarks.md (`make bench`).

    .venv/bin/python benchmarks/run.py [--quick] [--only roll counting engine web crypto]

Peers live in `.venv-bench`, built here from `requirements-bench.lock` when absent. Each
benchmark writes its own section (docs/benchmarks-*.md); this script runs them in turn (never
two at once: the machine has 2 cores) and joins the sections under one heading.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ROOT / "docs"
BENCH_VENV = ROOT / ".venv-bench"
TARGETS = "benchmarks-targets.md"  # hand-written: the measured numbers against the issues' targets
SECTIONS = {  # name: (script and arguments, quick arguments, section file)
    "roll": (["import_roll.py"], ["--members", "200000"], "benchmarks-roll.md"),
    "engine": (["engine/run.py"], ["--ballots", "200000"], "benchmarks-engine.md"),
    "counting": (["counting/run.py", "--limit", "120"], ["--sizes", "1000000"],
                 "benchmarks-counting.md"),
    "formats": (["formats/run.py", "--limit", "300"], ["--sizes", "200000", "--big"],
                "benchmarks-formats.md"),
    "web": (["web/load.py", "--markdown", str(DOCS / "benchmarks-web.md")],
            ["--requests", "1000", "--watchers", "200"], "benchmarks-web.md"),
    "crypto": (["bench_crypto.py"], ["--sample", "100", "--ballots", "1000"],
               "benchmarks-crypto.md"),
    "ballots": (["bench_ballots.py"], ["--ballots", "200000", "--runs", "1"],
                "benchmarks-ballots.md"),
}


def bench_venv() -> None:
    """Create .venv-bench with the peers, pinned, if it is not there."""
    python = BENCH_VENV / "bin" / "python"
    if python.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                    str(ROOT / "requirements-bench.lock")], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)],
                   check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), default=list(SECTIONS))
    parser.add_argument("--assemble-only", action="store_true",
                        help="only join the existing sections into docs/benchmarks.md")
    args = parser.parse_args()
    if args.assemble_only:
        args.only = []
    if {"counting", "engine", "formats"} & set(args.only):
        bench_venv()
    for name in args.only:
        script, quick, _ = SECTIONS[name]
        command = [sys.executable, str(HERE / script[0]), *script[1:], *(quick if args.quick
                                                                       else [])]
        print("$", " ".join(command), flush=True)
        subprocess.run(command, check=True, cwd=ROOT)
    parts = ["# Benchmarks\n",
             "Measured on our 2-core machines with `make bench` (`benchmarks/run.py`); each "
             "section names its machine, date and peers. Numbers are what was measured in that "
             "run, not expectations.\n"]
    for section in [*(s for _, _, s in SECTIONS.values()), TARGETS]:
        path = DOCS / section
        if path.exists():
            body = path.read_text().replace("\n# ", "\n## ", 1)
            if body.startswith("# "):
                body = "#" + body
            parts.append(body)
    (DOCS / "benchmarks.md").write_text("\n".join(parts))
    print(f"wrote {DOCS / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
