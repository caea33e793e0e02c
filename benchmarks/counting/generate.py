"""Generate synthetic CSV cast vote records for the counting benchmarks.

Ten candidates with Zipf-like support; each ballot is a Plackett-Luce ranking (Gumbel-max trick)
truncated realistically (most voters rank 1-5). Written with pyarrow, one million rows a chunk.

    python benchmarks/counting/generate.py 1000000 benchmarks/data/cvr-1m.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

CANDIDATES = [
    "Avery Adams", "Blake Brown", "Casey Clark", "Devon Diaz", "Emery Evans",
    "Finley Ford", "Gray Garcia", "Harper Hill", "Indigo Ito", "Jordan James",
]
RANKS = 10
# P(voter ranks exactly k candidates), k = 1..10: 85% rank five or fewer.
DEPTH = np.array([0.30, 0.20, 0.15, 0.12, 0.08, 0.05, 0.04, 0.03, 0.02, 0.01])
CHUNK = 1_000_000


def ballots(n: int, rng: np.random.Generator) -> np.ndarray:
    """n rankings as candidate indices, -1 after each voter's last choice."""
    support = np.log(1.0 / np.arange(1, len(CANDIDATES) + 1) ** 0.8)
    keys = support + rng.gumbel(size=(n, len(CANDIDATES)))
    order = np.argsort(-keys, axis=1)[:, :RANKS].astype(np.int32)
    depth = rng.choice(np.arange(1, RANKS + 1), size=n, p=DEPTH)
    order[np.arange(RANKS)[None, :] >= depth[:, None]] = -1
    return order


def write(n: int, path: Path, seed: int = 2017) -> None:
    """Write n ballots to path as `precinct,rank1..rank10` (blank = no choice)."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = pa.array(CANDIDATES)
    precincts = pa.array([f"P-{i:03d}" for i in range(100)])
    schema = pa.schema(
        [("precinct", pa.string())] + [(f"rank{r + 1}", pa.string()) for r in range(RANKS)]
    )
    options = pacsv.WriteOptions(quoting_style="none")
    with pacsv.CSVWriter(str(path), schema, write_options=options) as writer:
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            rows = ballots(size, rng)
            cols = [pa.DictionaryArray.from_arrays(
                pa.array(rng.integers(0, 100, size, dtype=np.int32)), precincts
            ).cast(pa.string())]
            for r in range(RANKS):
                idx = rows[:, r]
                cols.append(pa.DictionaryArray.from_arrays(
                    pa.array(idx, mask=idx < 0), names
                ).cast(pa.string()))
            writer.write_table(pa.Table.from_arrays(cols, schema=schema))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("ballots", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=2017)
    args = parser.parse_args()
    write(args.ballots, args.path, args.seed)


if __name__ == "__main__":
    main()
