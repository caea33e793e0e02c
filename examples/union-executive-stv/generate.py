"""Regenerate this example's roll and ballots (deterministic; run from this folder).

Everything here is illustrative: made-up members and ballots.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent
CANDIDATES = ["Grace Okafor", "Erik Lindqvist", "Samira Haddad", "Sean Murphy", "Yuki Tanaka",
              "Petra Novak", "Joao Silva", "Dana Cohen", "Kwame Mensah"]
SUPPORT = [22, 15, 14, 12, 10, 9, 8, 6, 4]
REGIONS = [("NORTH", 900, 520), ("CENTRAL", 1200, 610), ("SOUTH", 800, 450)]


def main() -> None:
    rng = random.Random(2025)
    members: list[list[str]] = []
    ballots: list[list[str]] = []
    for code, voters, cast in REGIONS:
        members += [[f"{code}-{i:05d}", f"Member {code} {i:05d}", "2023-01-01", "good", code]
                    for i in range(voters)]
        for _ in range(cast):
            pool, weights, ranking = list(CANDIDATES), list(SUPPORT), []
            for _ in range(rng.randint(1, 6)):
                pick = rng.choices(range(len(pool)), weights=weights)[0]
                ranking.append(pool.pop(pick))
                weights.pop(pick)
            ballots.append([code, *ranking, *[""] * (6 - len(ranking))])
    with open(HERE / "members.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["member_id", "name", "joined", "standing", "precinct"])
        w.writerows(members)
    with open(HERE / "ballots.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["Precinct", *[f"rank{i + 1}" for i in range(6)]])
        w.writerows(ballots)


if __name__ == "__main__":
    main()
