"""Regenerate this example's rolls and ballots (deterministic; run from this folder).

Everything here is illustrative: made-up voters and ballots for the 2010 candidates.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent
CANDIDATES = ["David Miliband", "Ed Miliband", "Ed Balls", "Andy Burnham", "Diane Abbott"]
# (precinct, body file, voters on the roll, ballots cast, first-preference leanings)
PRECINCTS = [
    ("PLP", "plp.csv", 262, 258, [40, 34, 16, 9, 1]),
    ("MEM-N", "members.csv", 600, 420, [43, 30, 8, 8, 11]),
    ("MEM-S", "members.csv", 700, 480, [45, 29, 7, 8, 11]),
    ("AFF-A", "affiliates.csv", 900, 310, [27, 40, 12, 9, 12]),
    ("AFF-B", "affiliates.csv", 800, 290, [29, 38, 11, 10, 12]),
]


def ballot(rng: random.Random, leaning: list[int]) -> list[str]:
    first = rng.choices(CANDIDATES, weights=leaning)[0]
    rest = [c for c in CANDIDATES if c != first]
    rng.shuffle(rest)
    return [first, *rest[: rng.randint(0, len(rest))]]


def main() -> None:
    rng = random.Random(2010)
    rolls: dict[str, list[list[str]]] = {}
    rows: list[list[str]] = []
    for code, roll, voters, cast, leaning in PRECINCTS:
        for i in range(voters):
            rolls.setdefault(roll, []).append(
                [f"{code}-{i:04d}", f"Voter {code} {i:04d}", "2009-01-01", "good", code])
        for _ in range(cast):
            ranking = ballot(rng, leaning)
            rows.append([code, *ranking, *[""] * (len(CANDIDATES) - len(ranking))])
    for name, members in rolls.items():
        with open(HERE / name, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["member_id", "name", "joined", "standing", "precinct"])
            w.writerows(members)
    with open(HERE / "ballots.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Precinct", *[f"rank{i + 1}" for i in range(len(CANDIDATES))]])
        w.writerows(rows)


if __name__ == "__main__":
    main()
