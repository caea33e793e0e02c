"""Benchmark: import a 1,000,000-member roll on SQLite and PostgreSQL, against the bare loaders.

    .venv/bin/python benchmarks/import_roll.py [--members N] [--postgres URL] [--out FILE]

hustings is timed as the whole `hustings members import` command (validation of every row,
the audit entry and its blob, progress bar off). The peers are each database's own bulk loader
on the same CSV into a bare table with no checks: `sqlite3 .import` and `psql \\copy`; they are
the floor no validating importer can beat. Writes a Markdown section (default
docs/benchmarks-roll.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402
from scaffold import election_toml  # noqa: E402

ROOT = HERE.parent
# the benchmark's administrator (every change runs as a signed-in user)
USER = {"HUSTINGS_USER": "bench-admin", "HUSTINGS_PASSWORD": "Bench-Quiet-Harbour-Lantern-77"}
DEFINITION = election_toml("plurality", [("a", "A"), ("b", "B")])  # with its lot seed
BARE_TABLE = ("CREATE TABLE roll (member_id TEXT, name TEXT, joined TEXT, standing TEXT, "
              "precinct TEXT)")


def make_roll(path: Path, n: int) -> None:
    """A synthetic roll: unique ids, valid dates, 200 precincts."""
    with path.open("w") as f:
        f.write("member_id,name,joined,standing,precinct\n")
        f.writelines(
            f"M{i:08d},Member {i},20{10 + i % 14:02d}-0{1 + i % 9}-1{i % 10},good,P{i % 200:03d}\n"
            for i in range(n))


def timed(cmd: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, input=stdin, text=True)
    return time.perf_counter() - start


def bench_database(admin_url: str) -> str:
    """A fresh `hustings_bench` database next to the one `admin_url` names; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://"))
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS hustings_bench"))
        conn.execute(text("CREATE DATABASE hustings_bench"))
    engine.dispose()
    return url.set(database="hustings_bench").render_as_string(hide_password=False)


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get(
        "HUSTINGS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-roll.md")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("hustings"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        roll, definition = Path(tmp) / "roll.csv", Path(tmp) / "bench.toml"
        make_roll(roll, args.members)
        definition.write_text(DEFINITION)

        env = {**os.environ, **USER, "HUSTINGS_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        for argv in (["init", "--admin", USER["HUSTINGS_USER"]],
                     ["election", "create", str(definition)]):
            subprocess.run([exe, *argv], check=True, env=env, stdout=subprocess.DEVNULL)
        ours = timed([exe, "members", "import", "members", str(roll)], env)
        peer = None
        if shutil.which("sqlite3"):
            peer = timed(["sqlite3", f"{tmp}/bare.db"],
                         stdin=f"{BARE_TABLE};\n.mode csv\n.import --skip 1 {roll} roll\n")
        rows.append(("SQLite", ours, "sqlite3 .import", peer))

        try:
            url = bench_database(args.postgres)
        except Exception as error:  # noqa: BLE001 - no server: say so in the table
            print(f"PostgreSQL skipped: {error}", file=sys.stderr)
        else:
            env = {**os.environ, **USER, "HUSTINGS_DATABASE_URL": url}
            for argv in (["init", "--admin", USER["HUSTINGS_USER"]],
                         ["election", "create", str(definition)]):
                subprocess.run([exe, *argv], check=True, env=env, stdout=subprocess.DEVNULL)
            ours = timed([exe, "members", "import", "members", str(roll)], env)
            peer = None
            if shutil.which("psql"):
                peer = timed(["psql", "-q", libpq(url), "-c", "DROP TABLE IF EXISTS roll",
                              "-c", BARE_TABLE,
                              "-c", f"\\copy roll FROM '{roll}' WITH (FORMAT csv, HEADER true)"])
            rows.append(("PostgreSQL", ours, "psql \\copy", peer))
            bench_database(args.postgres)  # leave it empty

    lines = [
        "## Importing a roll (`hustings members import`)",
        "",
        describe(),
        "",
        f"{args.members:,} members, one CSV (`benchmarks/import_roll.py`). hustings: the whole "
        "command, every row validated, audit entry written. Peer: the database's own loader "
        "into a bare table, no validation (the floor).",
        "",
        "| backend | hustings (s) | members/s | peer | peer (s) |",
        "|---|---:|---:|---|---:|",
    ]
    for name, ours, peer_name, peer in rows:
        shown = f"{peer:.2f}" if peer is not None else "not installed"
        lines.append(f"| {name} | {ours:.2f} | {args.members / ours:,.0f} | {peer_name} | "
                     f"{shown} |")
    text = "\n".join(lines) + "\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
