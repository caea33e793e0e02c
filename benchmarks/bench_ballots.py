"""Benchmark: a 1,000,000-ballot CVR imported into an IRV election and counted, SQLite and
PostgreSQL, whole process (the installed console script), beside the stand-alone engine.

    .venv/bin/python benchmarks/bench_ballots.py [--ballots N] [--precincts P]
        [--postgres URL] [--runs R] [--out FILE]

The election has 5 candidates and P precincts (default 200), a roll a little larger than the
ballots, and `sheet_entries = 2`: the first clerk's import stores every precinct's batch, the
second clerk's import of the same file makes them count (the engine runs over every batch and a
result version is stored); `hustings results` then reads the stored version. The peer is
`hustings count FILE --method irv`, the engine alone on the same file (no database): the floor
of file-to-result. CPU (user+sys of the child) and wall, medians of R runs. Writes a Markdown
section (default docs/benchmarks-ballots.md).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402
from scaffold import election_toml  # noqa: E402

ROOT = HERE.parent
HUSTINGS = str(Path(sys.executable).parent / "hustings")
NAMES = ["Ann Able", "Bob Baker", "Cy Cole", "Dee Dunn", "Eve Ellis"]
PASSWORD = "Bench-Quiet-Harbour-Lantern-77"  # every change runs as a signed-in user


def definition(precincts: int) -> str:
    return election_toml("irv", [(n.split()[0].lower(), n) for n in NAMES], precincts)


def make_files(folder: Path, ballots: int, precincts: int) -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(7)
    per = ballots // precincts
    members = folder / "members.csv"
    with members.open("w") as f:
        f.write("member_id,name,joined,standing,precinct\n")
        for p in range(precincts):
            f.writelines(f"M{p:05d}{i:06d},Member,2020-01-01,good,P{p:05d}\n"
                         for i in range(per + per // 20 + 1))
    weights = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
    order = np.argsort(rng.random((ballots, 5)) / weights, axis=1)  # favourites first
    lengths = rng.integers(1, 6, ballots)
    names = np.array(NAMES + [""])
    cells = np.where(np.arange(5)[None, :] < lengths[:, None], order, 5)
    codes = np.array([f"P{p:05d}" for p in range(precincts)])[np.arange(ballots) % precincts]
    cvr = folder / "cvr.csv"
    with cvr.open("w") as f:
        f.write("Precinct,rank1,rank2,rank3,rank4,rank5\n")
        table = np.column_stack([codes, *(names[cells[:, j]] for j in range(5))])
        f.writelines(",".join(row) + "\n" for row in table.tolist())
    toml = folder / "bench.toml"
    toml.write_text(definition(precincts))
    return toml, members, cvr


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([HUSTINGS, *args], check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fresh_postgres(admin: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin.replace("postgresql://", "postgresql+psycopg://"))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "hustings_bench_ballots" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "hustings_bench_ballots"'))
    engine.dispose()
    return url.set(database="hustings_bench_ballots").render_as_string(hide_password=False)


def one(url: str, files: tuple[Path, Path, Path]) -> dict[str, tuple[float, float]]:
    toml, members, cvr = files
    env = {**os.environ, "HUSTINGS_DATABASE_URL": url, "HUSTINGS_USER": "bench-admin",
           "HUSTINGS_PASSWORD": PASSWORD, "BENCH_PASSWORD": PASSWORD}
    for step in (["init", "--admin", "bench-admin"],
                 ["user", "add", "clerk-a", "--role", "clerk", "--password-env", "BENCH_PASSWORD"],
                 ["user", "add", "clerk-b", "--role", "clerk", "--password-env", "BENCH_PASSWORD"],
                 ["election", "create", str(toml)], ["members", "import", "members",
                                                     str(members)],
                 ["roll", "freeze", "bench"], ["election", "advance", "bench", "nominations"],
                 ["election", "advance", "bench", "voting"]):
        run(step, env)
    as_a, as_b = {**env, "HUSTINGS_USER": "clerk-a"}, {**env, "HUSTINGS_USER": "clerk-b"}
    return {
        "first clerk's import (store 1M ballots)": run(
            ["ballots", "import", "bench", str(cvr)], as_a),
        "second clerk's import (accept, count, store the version)": run(
            ["ballots", "import", "bench", str(cvr)], as_b),
        "results (the stored outcome)": run(["results", "bench", "--format", "json"], env),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--precincts", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get(
        "HUSTINGS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-ballots.md"))
    args = parser.parse_args()
    machine = describe()
    rows: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = make_files(folder, args.ballots, args.precincts)
        peer = [run(["count", str(files[2]), "--method", "irv", "--format", "json"],
                    dict(os.environ)) for _ in range(args.runs)]
        backends: list[tuple[str, list[dict[str, tuple[float, float]]]]] = []
        for backend in ("SQLite", "PostgreSQL"):
            results = []
            for i in range(args.runs):
                if backend == "SQLite":
                    url = f"sqlite:///{folder}/bench-{i}.db"
                else:
                    try:
                        url = fresh_postgres(args.postgres)
                    except Exception as error:  # noqa: BLE001 - report and go on
                        print(f"PostgreSQL unavailable: {error}", file=sys.stderr)
                        break
                results.append(one(url, files))
            if results:
                backends.append((backend, results))
    for backend, results in backends:
        for step in results[0]:
            wall = statistics.median(r[step][0] for r in results)
            cpu = statistics.median(r[step][1] for r in results)
            rows.append(f"| {backend} | {step} | {wall:.2f} s | {cpu:.2f} s |")
        total = statistics.median(sum(r[s][0] for s in r) for r in results)
        rows.append(f"| {backend} | **import by two clerks + count + results** | "
                    f"**{total:.2f} s** | |")
    rows.append(f"| (peer) | `hustings count FILE --method irv`, no database | "
                f"{statistics.median(p[0] for p in peer):.2f} s | "
                f"{statistics.median(p[1] for p in peer):.2f} s |")
    text = "\n".join([
        "## Ballots into an election (issue 10)", "",
        f"{machine} {args.ballots:,} ballots in {args.precincts} precincts, 5 candidates, IRV; "
        f"medians of {args.runs} runs of the installed `hustings` script "
        "(`benchmarks/bench_ballots.py`). Target: import and count ≤ 5 s whole process.", "",
        "| database | step | wall | CPU |", "|---|---|---:|---:|", *rows, ""])
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
