"""Benchmark: import a 1,000,000-member roll on SQLite and on PostgreSQL (issue: foundation).

Usage: .venv/bin/python benchmarks/import_roll.py [--members N] [--postgres URL]
Prints a Markdown table row per backend: validate+insert wall time, whole command included.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFINITION = """
[organisation]
slug = "bench"
name = "Bench party"
[office]
slug = "leader"
name = "Leader"
[body]
slug = "members"
name = "Members"
[election]
slug = "bench"
title = "Bench"
method = "plurality"
[eligibility]
cutoff = 2024-01-01
[timetable]
polling_day = 2024-03-01
[[candidates]]
key = "a"
name = "A"
[[candidates]]
key = "b"
name = "B"
"""


def make_roll(path: Path, n: int) -> None:
    with path.open("w") as f:
        f.write("member_id,name,joined,standing,precinct\n")
        for i in range(n):
            f.write(f"M{i:08d},Member {i},20{10 + i % 14:02d}-0{1 + i % 9}-1{i % 10},good,"
                    f"P{i % 200:03d}\n")


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("HUSTINGS_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("hustings"))
    with tempfile.TemporaryDirectory() as tmp:
        roll, definition = Path(tmp) / "roll.csv", Path(tmp) / "bench.toml"
        make_roll(roll, args.members)
        definition.write_text(DEFINITION)
        backends = {"SQLite": f"sqlite:///{tmp}/bench.db"}
        if args.postgres:
            backends["PostgreSQL"] = args.postgres
        print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
              f"{time.strftime('%Y-%m-%d')}")
        print("| backend | members | import (s) | members/s |")
        print("|---|---:|---:|---:|")
        for name, url in backends.items():
            if name == "PostgreSQL":
                reset_postgres(url)
            env = {**os.environ, "HUSTINGS_DATABASE_URL": url}
            subprocess.run([exe, "election", "create", str(definition)], check=True, env=env,
                           stdout=subprocess.DEVNULL)
            seconds = timed([exe, "members", "import", "members", str(roll)], env)
            print(f"| {name} | {args.members:,} | {seconds:.2f} | {args.members / seconds:,.0f} |")
            if name == "PostgreSQL":
                reset_postgres(url)


if __name__ == "__main__":
    main()
