"""Benchmark: the election workflow at many precincts (issue 13 part 5), SQLite and PostgreSQL,
whole process (the installed console script), step by step.

    .venv/bin/python benchmarks/bench_workflow.py [--sizes 100000x5000,100000x50000]
        [--postgres URL] [--runs R] [--out FILE]

Each size is MEMBERSxPRECINCTS. The steps: define the election (its precincts in a CSV
imported by `precincts import`), import the members, freeze the roll, one clerk's tally sheet
for one precinct, the second clerk's identical sheet (the precinct counts: a recount and a new
result version), every other precinct's sheet by both clerks (one file each), `results`, and
certification. Targets (issue 13): at 50,000 precincts each step ≤ 10 s and linear from 5,000;
PostgreSQL never more than 2× SQLite on the same step. CPU (user+sys of the child) and wall,
medians of R runs. Writes a Markdown section (default docs/benchmarks-workflow.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ballots import PASSWORD, fresh_postgres, run  # noqa: E402
from machine import describe  # noqa: E402
from scaffold import election_toml  # noqa: E402

ROOT = HERE.parent
CANDIDATES = ("ann", "bob", "cy")


def definition() -> str:
    return election_toml("plurality", [(k, k.title()) for k in CANDIDATES])


def make_files(folder: Path, members: int, precincts: int) -> dict[str, Path]:
    per = members // precincts
    paths = {name: folder / name for name in ("bench.toml", "precincts.csv", "members.csv",
                                              "one.csv", "rest.csv")}
    paths["bench.toml"].write_text(definition())
    with paths["precincts.csv"].open("w") as f:
        f.write("code,name\n")
        f.writelines(f"P{p:05d},Precinct {p}\n" for p in range(precincts))
    with paths["members.csv"].open("w") as f:
        f.write("member_id,name,joined,standing,precinct\n")
        for p in range(precincts):
            f.writelines(f"M{p:05d}{i:06d},Member,2020-01-01,good,P{p:05d}\n"
                         for i in range(per))
    header = "precinct,registered,ballots_cast," + ",".join(CANDIDATES) + ",blank,invalid\n"

    def row(p: int) -> str:
        cast = per * 6 // 10
        ann, bob = cast // 2, cast // 3
        return f"P{p:05d},{per},{cast},{ann},{bob},{cast - ann - bob},0,0\n"

    paths["one.csv"].write_text(header + row(0))
    with paths["rest.csv"].open("w") as f:
        f.write(header)
        f.writelines(row(p) for p in range(1, precincts))
    return paths


class _Shown(dict[str, tuple[float, float]]):
    """Steps' timings, printed as each is taken (a long run shows where it is)."""

    def __setitem__(self, step: str, value: tuple[float, float]) -> None:
        print(f"  {step}: {value[0]:.2f} s wall, {value[1]:.2f} s CPU", file=sys.stderr,
              flush=True)
        super().__setitem__(step, value)


def one(url: str, files: dict[str, Path]) -> dict[str, tuple[float, float]]:
    env = {**os.environ, "HUSTINGS_DATABASE_URL": url, "HUSTINGS_USER": "bench-admin",
           "HUSTINGS_PASSWORD": PASSWORD, "BENCH_PASSWORD": PASSWORD}
    as_a, as_b = {**env, "HUSTINGS_USER": "clerk-a"}, {**env, "HUSTINGS_USER": "clerk-b"}
    for step in (["init", "--admin", "bench-admin"],
                 ["user", "add", "clerk-a", "--role", "clerk", "--password-env", "BENCH_PASSWORD"],
                 ["user", "add", "clerk-b", "--role", "clerk", "--password-env", "BENCH_PASSWORD"],
                 ["election", "create", str(files["bench.toml"])]):
        run(step, env)
    timed: dict[str, tuple[float, float]] = _Shown()
    timed["precincts import"] = run(["precincts", "import", "bench",
                                     str(files["precincts.csv"])], env)
    timed["members import"] = run(["members", "import", "members", str(files["members.csv"])],
                                  env)
    run(["election", "advance", "bench", "nominations"], env)
    timed["roll freeze"] = run(["roll", "freeze", "bench"], env)
    run(["election", "advance", "bench", "voting"], env)
    timed["tally import of one sheet (first clerk)"] = run(
        ["tally", "import", "bench", str(files["one.csv"])], as_a)
    timed["tally import of one sheet (second clerk: recount, version)"] = run(
        ["tally", "import", "bench", str(files["one.csv"])], as_b)
    timed["every other sheet (first clerk)"] = run(
        ["tally", "import", "bench", str(files["rest.csv"])], as_a)
    timed["every other sheet (second clerk)"] = run(
        ["tally", "import", "bench", str(files["rest.csv"])], as_b)
    timed["results"] = run(["results", "bench", "--format", "json"], env)
    run(["election", "advance", "bench", "counting"], env)
    timed["provisional (every precinct reported)"] = run(
        ["election", "advance", "bench", "provisional"], env)
    timed["certify"] = run(["election", "certify", "bench", "--on", "2024-03-02"], env)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000x5000,100000x50000")
    parser.add_argument("--postgres", default=os.environ.get(
        "HUSTINGS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--backends", default="SQLite,PostgreSQL")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-workflow.md"))
    args = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            members, precincts = (int(x) for x in size.split("x"))
            folder = Path(tmp) / size
            folder.mkdir()
            files = make_files(folder, members, precincts)
            for backend in args.backends.split(","):
                results = []
                for i in range(args.runs):
                    url = (f"sqlite:///{folder}/bench-{i}.db" if backend == "SQLite"
                           else fresh_postgres(args.postgres))
                    results.append(one(url, files))
                for step in results[0]:
                    wall = statistics.median(r[step][0] for r in results)
                    cpu = statistics.median(r[step][1] for r in results)
                    mark = "met" if wall <= 10 else "**missed**"
                    rows.append(f"| {members:,} | {precincts:,} | {backend} | {step} | "
                                f"{wall:.2f} s | {cpu:.2f} s | {mark} |")
                print("\n".join(rows[-len(results[0]):]), flush=True)
    text = "\n".join([
        "## The election workflow at many precincts (issue 13)", "",
        f"{describe()} Medians of {args.runs} run(s) of the installed `hustings` script per "
        "step (`benchmarks/bench_workflow.py`); target ≤ 10 s per step at 50,000 precincts.", "",
        "| members | precincts | database | step | wall | CPU | ≤ 10 s |",
        "|---:|---:|---|---|---:|---:|---|", *rows, ""])
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
