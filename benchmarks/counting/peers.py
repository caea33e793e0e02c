"""Count a rank-column CSV CVR with a peer library, file to result (run in .venv-bench).

    python peers.py pyrankvote|votekit|pref_voting irv|stv FILE [SEATS]

Prints the winners. Each peer reads the file in its own idiomatic way.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter


def rankings(path: str) -> Counter[tuple[str, ...]]:
    """Unique rankings (blank cells dropped) with counts, via the csv module."""
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        ranks = [i for i, name in enumerate(header) if name.lower().startswith("rank")]
        return Counter(tuple(row[i] for i in ranks if row[i]) for row in reader)


def pyrankvote_count(method: str, path: str, seats: int) -> list[str]:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    people: dict[str, Candidate] = {}
    ballots = []
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        ranks = [i for i, name in enumerate(header) if name.lower().startswith("rank")]
        for row in reader:
            names = [row[i] for i in ranks if row[i]]
            ballots.append(Ballot(ranked_candidates=[
                people.setdefault(n, Candidate(n)) for n in names]))
    candidates = list(people.values())
    if method == "irv":
        result = pyrankvote.instant_runoff_voting(candidates, ballots)
    else:
        result = pyrankvote.single_transferable_vote(candidates, ballots, number_of_seats=seats)
    return [c.name for c in result.get_winners()]


def votekit_count(method: str, path: str, seats: int) -> list[str]:
    from votekit.cvr_loaders import load_csv
    from votekit.elections import IRV, STV

    with open(path) as handle:
        width = len(handle.readline().split(","))
    profile = load_csv(path, rank_cols=list(range(1, width)))
    election = IRV(profile) if method == "irv" else STV(profile, m=seats)
    return [c for group in election.get_elected() for c in group]


def pref_voting_count(method: str, path: str, seats: int) -> list[str]:
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

    if method != "irv":
        raise SystemExit("pref_voting has no STV")
    counted = rankings(path)
    names = sorted({n for r in counted for n in r})
    profile = ProfileWithTies(
        [{n: i + 1 for i, n in enumerate(r)} for r in counted],
        rcounts=list(counted.values()),
        candidates=names,
    )
    return list(instant_runoff_for_truncated_linear_orders(profile))


if __name__ == "__main__":
    peer, method, file = sys.argv[1:4]
    seats = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    count = {"pyrankvote": pyrankvote_count, "votekit": votekit_count,
             "pref_voting": pref_voting_count}[peer]
    print(count(method, file, seats))
