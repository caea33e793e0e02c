"""Write the same synthetic ballots in every ballot format hustings reads.

The ballots are those of benchmarks/counting/generate.py (ten candidates, Plackett-Luce
rankings, most voters rank one to five; seed 2017), so every format holds the very same
election. One ballot a line wherever the format allows it (CSV, BLT, ABIF, NIST JSON); PrefLib
gives each distinct order once with its count, as the format requires.

    python benchmarks/formats/generate.py 1000000 benchmarks/data/ [--formats csv blt ...]
"""

from __future__ import annotations

import argparse
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import numpy as np

_spec = importlib.util.spec_from_file_location(
    "counting_generate", Path(__file__).resolve().parents[1] / "counting" / "generate.py")
assert _spec is not None and _spec.loader is not None
_counting = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_counting)
CANDIDATES, ballots, write_csv = _counting.CANDIDATES, _counting.ballots, _counting.write

FORMATS = ("csv", "blt", "preflib", "abif", "nist")
SUFFIX = {"csv": "csv", "blt": "blt", "preflib": "soi", "abif": "abif", "nist": "json"}
CHUNK = 1_000_000
TOKENS = [name.split()[0] for name in CANDIDATES]


def chunks(n: int, seed: int = 2017) -> Iterator[np.ndarray]:
    """The ballots of benchmarks/counting/generate.py, a million at a time (same stream)."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        rows = ballots(size, rng)
        rng.integers(0, 100, size, dtype=np.int32)  # the CSV's precinct column (same stream)
        yield rows


def _lines(rows: np.ndarray, render: list[str], sep: str) -> list[str]:
    return [sep.join(render[c] for c in row if c >= 0) for row in rows.tolist()]


def write_blt(n: int, path: Path) -> None:
    numbers = [str(i + 1) for i in range(len(CANDIDATES))]
    with path.open("w") as out:
        out.write(f"{len(CANDIDATES)} 3\n")
        for rows in chunks(n):
            out.write("".join(f"1 {body} 0\n" if body else "1 0\n"
                              for body in _lines(rows, numbers, " ")))
        out.write("0\n")
        out.write("".join(f'"{name}"\n' for name in CANDIDATES))
        out.write('"Benchmark"\n')


def write_abif(n: int, path: Path) -> None:
    with path.open("w") as out:
        out.write('{title: "Benchmark"}\n')
        out.write("".join(f"={t}:[{name}]\n" for t, name in zip(TOKENS, CANDIDATES,
                                                                  strict=True)))
        for rows in chunks(n):
            out.write("".join(f"1:{body}\n" for body in _lines(rows, TOKENS, ">")))


def write_preflib(n: int, path: Path) -> None:
    counts: dict[tuple[int, ...], int] = {}
    for rows in chunks(n):
        width = rows.shape[1]
        key = np.zeros(len(rows), dtype=np.int64)
        for j in range(width):
            key = key * 11 + rows[:, j] + 1
        unique, number = np.unique(key, return_counts=True)
        for k, c in zip(unique.tolist(), number.tolist(), strict=True):
            order = []
            for _ in range(width):
                k, d = divmod(k, 11)
                order.append(d - 1)
            ranking = tuple(x for x in reversed(order) if x >= 0)
            counts[ranking] = counts.get(ranking, 0) + c
    with path.open("w") as out:
        out.write("# FILE NAME: benchmark.soi\n# TITLE: Benchmark\n# DATA TYPE: soi\n")
        out.write(f"# NUMBER ALTERNATIVES: {len(CANDIDATES)}\n")
        out.write("".join(f"# ALTERNATIVE NAME {i + 1}: {name}\n"
                          for i, name in enumerate(CANDIDATES)))
        out.write(f"# NUMBER VOTERS: {n}\n# NUMBER UNIQUE ORDERS: {len(counts)}\n")
        for ranking, c in sorted(counts.items(), key=lambda kv: -kv[1]):
            out.write(f"{c}: {','.join(str(x + 1) for x in ranking)}\n")


def write_nist(n: int, path: Path) -> None:
    selections = ",".join(
        f'{{"@id":"cs-{i}","@type":"CVR.CandidateSelection","CandidateIds":["c-{i}"]}}'
        for i in range(len(CANDIDATES)))
    people = ",".join(f'{{"@id":"c-{i}","@type":"CVR.Candidate","Name":"{name}"}}'
                      for i, name in enumerate(CANDIDATES))
    with path.open("w") as out:
        out.write('{"@type":"CVR.CastVoteRecordReport","Version":"1.0.0",\n"CVR":[\n')
        number = 0
        for rows in chunks(n):
            entries = []
            for row in rows.tolist():
                marks = ",".join(
                    f'{{"@type":"CVR.CVRContestSelection","ContestSelectionId":"cs-{c}",'
                    f'"SelectionPosition":[{{"@type":"CVR.SelectionPosition",'
                    f'"HasIndication":"yes","NumberVotes":1,"Rank":{r + 1}}}]}}'
                    for r, c in enumerate(row) if c >= 0)
                entries.append(
                    f'{{"@type":"CVR.CVR","@id":"b{number}","BallotStyleUnitId":"p-{number % 100}",'
                    f'"CurrentSnapshotId":"s{number}","CVRSnapshot":[{{"@type":"CVR.CVRSnapshot",'
                    f'"@id":"s{number}","Type":"original","CVRContest":[{{"@type":'
                    f'"CVR.CVRContest","ContestId":"contest-1","CVRContestSelection":[{marks}]'
                    f'}}]}}]}}')
                number += 1
            out.write((",\n" if number > len(rows) else "") + ",\n".join(entries))
        out.write('\n],\n"Election":[{"@id":"e-1","@type":"CVR.Election","Candidate":['
                  f'{people}],"Contest":[{{"@id":"contest-1","@type":"CVR.CandidateContest",'
                  f'"Name":"Benchmark","ContestSelection":[{selections}]}}]}}]}}\n')


WRITERS = {"blt": write_blt, "abif": write_abif, "preflib": write_preflib, "nist": write_nist}


def path_for(folder: Path, n: int, fmt: str) -> Path:
    size = f"{n // 1_000_000}m" if n % 1_000_000 == 0 else str(n)
    return folder / f"ballots-{size}.{SUFFIX[fmt]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ballots", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    for fmt in args.formats:
        path = path_for(args.folder, args.ballots, fmt)
        if path.exists():
            continue
        if fmt == "csv":
            write_csv(args.ballots, path)
        else:
            WRITERS[fmt](args.ballots, path)
        print(fmt, path, path.stat().st_size, flush=True)


if __name__ == "__main__":
    main()
