"""Benchmark: `hustings log verify` at scale — routine (the newest entry a checkpoint: the
state's digests compared with those it signed) and `--full` (every entry replayed into a
scratch database) — with the peak memory of each, whole process (the installed console
script), on SQLite (and PostgreSQL with --postgres).

    .venv/bin/python benchmarks/bench_verify.py [--members N] [--precincts P]
        [--postgres URL] [--out FILE] [--built DIR]

The election is a plurality election counted from tally sheets: N members over P precincts
(default 100,000 over 500), the roll frozen, both clerks importing every precinct's sheet. Then
`log verify --full`, `log checkpoint` (which verifies in full first, then signs the tree and
the state digests), `log verify` (routine: right after the checkpoint), and, after one more
sheet entered, `log verify` again (the entries since the checkpoint replayed on the state it
verified). Wall and CPU (user+sys) seconds and peak RSS of each child. Writes a Markdown
section (default docs/benchmarks-verify.md).

Building a million-member database takes minutes: with `--built DIR` the databases, once built
(up to the clerks' imports), are kept — a SQLite file in DIR, a PostgreSQL database
`hustings_bench_verify_built_N` — and later runs with the same DIR, N and P copy them instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402
from scaffold import election_toml  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ROOT = HERE.parent
HUSTINGS = str(Path(sys.executable).parent / "hustings")
PASSWORD = "Bench-Quiet-Harbour-Lantern-77"  # every change runs as a signed-in user
MEASURE = ("import json, resource, subprocess, sys, time\n"
           "start = time.perf_counter()\n"
           "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
           "wall = time.perf_counter() - start\n"
           "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
           "print(json.dumps({'code': done.returncode, 'wall': wall,\n"
           "                  'cpu': u.ru_utime + u.ru_stime, 'rss_mb': u.ru_maxrss / 1024}))\n")


def definition(precincts: int) -> str:
    return election_toml("plurality", [("ann", "Ann Able"), ("bob", "Bob Baker")], precincts)


def make_files(folder: Path, members: int, precincts: int) -> tuple[Path, Path, Path]:
    per = members // precincts
    roll = folder / "members.csv"
    with roll.open("w") as f:
        f.write("member_id,name,joined,standing,precinct\n")
        for p in range(precincts):
            f.writelines(f"M{p:05d}{i:06d},Member,2020-01-01,good,P{p:05d}\n"
                         for i in range(per))
    sheets = folder / "sheets.csv"
    with sheets.open("w") as f:
        f.write("precinct,registered,ballots_cast,ann,bob,blank,invalid\n")
        for p in range(precincts):
            cast = per * 6 // 10
            ann = cast * (45 + p % 10) // 100
            f.write(f"P{p:05d},{per},{cast},{ann},{cast - ann - 2},1,1\n")
    toml = folder / "bench.toml"
    toml.write_text(definition(precincts))
    return toml, roll, sheets


def measured(args: list[str], env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, HUSTINGS, *args], env=env,
                         check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out)
    if result["code"] != 0:
        raise SystemExit(f"hustings {' '.join(args)} exited {result['code']}")
    return result


def one(url: str, files: tuple[Path, Path, Path], folder: Path,
        built: tuple[bool, Any, Any] | None = None) -> dict[str, dict[str, float]]:
    """The steps on the database at `url`; `built`: (already built, copy in, copy out)."""
    toml, roll, sheets = files
    env = {**os.environ, "HUSTINGS_DATABASE_URL": url, "HUSTINGS_USER": "bench-admin",
           "HUSTINGS_PASSWORD": PASSWORD, "BENCH_PASSWORD": PASSWORD,
           "HUSTINGS_VERIFIED_DIR": str(folder / "verified")}
    out: dict[str, dict[str, float]] = {}
    if built is not None and built[0]:
        built[1]()
    else:
        out.update(build(env, toml, roll, sheets))
        if built is not None:
            built[2]()
    out.update(verify_steps(env, folder, sheets))
    return out


def build(env: dict[str, str], toml: Path, roll: Path, sheets: Path
          ) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for step in (["init", "--admin", "bench-admin"],
                 ["user", "add", "clerk-a", "--role", "clerk", "--password-env", "BENCH_PASSWORD"],
                 ["user", "add", "clerk-b", "--role", "clerk", "--password-env", "BENCH_PASSWORD"],
                 ["election", "create", str(toml)], ["members", "import", "members", str(roll)],
                 ["roll", "freeze", "bench"], ["election", "advance", "bench", "nominations"],
                 ["election", "advance", "bench", "voting"]):
        if step[0] in ("members", "roll"):  # the writes that keep the most rows' digests
            out[f"{' '.join(step[:2])} (with its running digests)"] = measured(step, env)
        else:
            subprocess.run([HUSTINGS, *step], check=True, env=env, stdout=subprocess.DEVNULL)
    for clerk in ("clerk-a", "clerk-b"):
        out[f"tally import by {clerk} (every precinct)"] = measured(
            ["tally", "import", "bench", str(sheets)], {**env, "HUSTINGS_USER": clerk})
    return out


def verify_steps(env: dict[str, str], folder: Path, sheets: Path
                 ) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    out["log verify --full"] = measured(["log", "verify", "--full"], env)
    out["log checkpoint (verifies in full, then signs)"] = measured(
        ["log", "checkpoint", "--out", str(folder / "bench.checkpoint")], env)
    out["log verify (routine, newest entry a checkpoint)"] = measured(["log", "verify"], env)
    out["log verify --checkpoint FILE (routine)"] = measured(
        ["log", "verify", "--checkpoint", str(folder / "bench.checkpoint")], env)
    code, registered, cast, ann, bob, blank, invalid = \
        sheets.read_text().splitlines()[1].split(",")  # clerk-a enters P00000 again
    subprocess.run([HUSTINGS, "tally", "enter", "bench", "--precinct", code, "--registered",
                    registered, "--ballots-cast", cast, "--votes", f"ann={ann}", "--votes",
                    f"bob={bob}", "--blank", blank, "--invalid", invalid, "--reason",
                    "the same figures, entered again"], env={**env, "HUSTINGS_USER": "clerk-a"},
                   stdout=subprocess.DEVNULL, check=True)
    out["log verify (one entry after the checkpoint: replayed on the kept state)"] = measured(
        ["log", "verify"], env)
    return out


def fresh_postgres(admin: str, name: str, template: str | None = None) -> str:
    url = make_url(admin.replace("postgresql://", "postgresql+psycopg://"))
    _admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
               f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return url.set(database=name).render_as_string(hide_password=False)


def _admin_sql(url: Any, *statements: str) -> bool:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
            return True
    finally:
        engine.dispose()


def _pg_exists(url: Any, name: str) -> bool:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": name}).first() is not None
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--precincts", type=int, default=500)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-verify.md"))
    parser.add_argument("--postgres-only", action="store_true", help="skip SQLite")
    parser.add_argument("--built", default=None, help="keep the built databases here and "
                        "copy them on later runs")
    args = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hustings-bench-verify-") as tmp:
        folder = Path(tmp)
        files = make_files(folder, args.members, args.precincts)
        db = folder / "bench.db"
        backends: list[tuple[str, str, Any]] = [("SQLite", f"sqlite:///{db}", None)]
        kept = Path(args.built) / f"verify-{args.members}-{args.precincts}.db" \
            if args.built else None
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            backends[0] = ("SQLite", backends[0][1], (
                kept.exists(), lambda: shutil.copyfile(kept, db),
                lambda: shutil.copyfile(db, kept)))
        if args.postgres:
            database = f"hustings_bench_verify_{args.members}_{args.precincts}"
            template = f"{database}_built"
            admin = make_url(args.postgres.replace("postgresql://", "postgresql+psycopg://"))
            reuse = bool(args.built) and _pg_exists(admin, template)
            url = fresh_postgres(args.postgres, database, template if reuse else None)
            backends.append(("PostgreSQL", url, None if not args.built else (
                reuse, lambda: None, lambda: _admin_sql(
                    admin, f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                    f'CREATE DATABASE "{template}" TEMPLATE "{database}"'))))
        if args.postgres_only:
            backends = backends[1:]
        for name, url, built in backends:
            for step, r in one(url, files, folder, built).items():
                rows.append(f"| {name} | {args.members:,} | {step} | {r['wall']:.1f} | "
                            f"{r['cpu']:.1f} | {r['rss_mb']:.0f} |")
                print(rows[-1], flush=True)
    section = (f"\n## {args.members:,} members, {args.precincts:,} precincts "
               f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n\n{describe()}\n\n"
               "| backend | members | step | wall s | CPU s | peak RSS MB |\n"
               "|---|---:|---|---:|---:|---:|\n" + "\n".join(rows) + "\n")
    with open(args.out, "a", encoding="utf-8") as f:
        f.write(section)
    print(section)


if __name__ == "__main__":
    main()
