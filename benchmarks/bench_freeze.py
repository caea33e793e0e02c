"""Benchmark: the roll freeze step alone, SQLite and PostgreSQL side by side (issue 13's "PostgreSQL
never more than 2x SQLite on the same step"), whole process (the installed console script).

    .venv/bin/python benchmarks/bench_freeze.py [--sizes 50000x5000,500000x50000] [--runs 3]
        [--postgres URL] [--before SRC]

Each size is MEMBERSxPRECINCTS (ten members a precinct, as benchmarks/bench_workflow.py). The
election is built once per size and database up to the freeze (define, precincts import,
members import, nominations: the workflow benchmark's steps); each run freezes a fresh copy
(a copied SQLite file, a PostgreSQL database made from a template), so every run times the
same work. `--before SRC` also times the same freeze with the code in SRC (a `src` folder of an
earlier commit, put first on PYTHONPATH), in the same run. Prints a Markdown table: medians
of the runs, wall and CPU (user + system of the child), and the load average at the start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ballots import PASSWORD, run  # noqa: E402
from bench_workflow import make_files  # noqa: E402
from machine import describe  # noqa: E402

PREFIX = "hustings_bench_freeze"  # this benchmark's own PostgreSQL databases


def _admin(url: str) -> object:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url.replace("postgresql://", "postgresql+psycopg://"))
    return base, create_engine(base, isolation_level="AUTOCOMMIT")


def _sql(engine: object, statement: str) -> None:
    from sqlalchemy import text

    with engine.connect() as conn:  # type: ignore[attr-defined]
        conn.execute(text(statement))


def _env(url: str, src: str | None = None) -> dict[str, str]:
    env = {**os.environ, "HUSTINGS_DATABASE_URL": url, "HUSTINGS_USER": "bench-admin",
           "HUSTINGS_PASSWORD": PASSWORD}
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build(url: str, files: dict[str, Path]) -> None:
    """The election up to its roll freeze."""
    env = _env(url)
    for step in (["init", "--admin", "bench-admin"],
                 ["election", "create", str(files["bench.toml"])],
                 ["precincts", "import", "bench", str(files["precincts.csv"])],
                 ["members", "import", "members", str(files["members.csv"])],
                 ["election", "advance", "bench", "nominations"]):
        run(step, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50000x5000,500000x50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get(
        "HUSTINGS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--before", default=None, help="a src folder of earlier code")
    args = parser.parse_args()
    base, admin = _admin(args.postgres)
    codes = [("now", None)] + ([("before", str(Path(args.before).resolve()))]
                               if args.before else [])
    rows: list[str] = []
    machine = describe()  # with the load average at the start
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            members, precincts = (int(x) for x in size.split("x"))
            folder = Path(tmp) / size
            folder.mkdir()
            files = make_files(folder, members, precincts)
            template = folder / "template.db"
            build(f"sqlite:///{template}", files)
            pg_template = f"{PREFIX}_tpl"
            _sql(admin, f'DROP DATABASE IF EXISTS "{pg_template}" WITH (FORCE)')
            _sql(admin, f'CREATE DATABASE "{pg_template}"')
            build(base.set(database=pg_template).render_as_string(hide_password=False), files)
            timed: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for _ in range(args.runs):
                for code, src in codes:
                    copy = folder / "run.db"
                    shutil.copy(template, copy)
                    timed.setdefault(("SQLite", code), []).append(
                        run(["roll", "freeze", "bench"], _env(f"sqlite:///{copy}", src)))
                    name = f"{PREFIX}_run"
                    _sql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    _sql(admin, f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
                    url = base.set(database=name).render_as_string(hide_password=False)
                    timed.setdefault(("PostgreSQL", code), []).append(
                        run(["roll", "freeze", "bench"], _env(url, src)))
            _sql(admin, f'DROP DATABASE IF EXISTS "{PREFIX}_run" WITH (FORCE)')
            _sql(admin, f'DROP DATABASE IF EXISTS "{pg_template}" WITH (FORCE)')
            for code, _ in codes:
                wall = {db: statistics.median(w for w, _ in timed[(db, code)])
                        for db in ("SQLite", "PostgreSQL")}
                cpu = {db: statistics.median(c for _, c in timed[(db, code)])
                       for db in ("SQLite", "PostgreSQL")}
                ratio = wall["PostgreSQL"] / wall["SQLite"]
                mark = "met" if ratio <= 2 else "**missed**"
                rows.append(f"| {members:,} | {precincts:,} | {code} | {wall['SQLite']:.2f} s | "
                            f"{cpu['SQLite']:.2f} s | {wall['PostgreSQL']:.2f} s | "
                            f"{cpu['PostgreSQL']:.2f} s | {ratio:.1f}x | {mark} |")
                print(rows[-1], flush=True)
    print("\n".join([
        "", f"{machine} Medians of {args.runs} "
        "run(s) of `hustings roll freeze` per cell.", "",
        "| members | precincts | code | SQLite wall | SQLite CPU | PostgreSQL wall | "
        "PostgreSQL CPU | PostgreSQL / SQLite (wall) | ≤ 2× |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---|", *rows]))


if __name__ == "__main__":
    main()
