"""Time peers' counting on the engine benchmark's ballots, given unique rankings (in .venv-bench).

    .venv-bench/bin/python benchmarks/engine/peers.py N

Prints one JSON line per (peer, method): seconds for the count call alone and the winners.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ballots import rankings, unique  # noqa: E402


def pref_voting_runs(rows, counts):  # type: ignore[no-untyped-def]
    from pref_voting.c1_methods import copeland
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.margin_based_methods import beat_path_Floyd_Warshall, minimax, ranked_pairs
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.scoring_methods import borda_for_profile_with_ties

    names = [f"C{i}" for i in range(10)]
    start = time.perf_counter()
    profile = ProfileWithTies(
        [{names[c]: i + 1 for i, c in enumerate(r) if c >= 0} for r in rows.tolist()],
        rcounts=counts.tolist(), candidates=names)
    yield "pref_voting", "profile", time.perf_counter() - start, []
    methods = {"irv": instant_runoff_for_truncated_linear_orders,
               "schulze": beat_path_Floyd_Warshall,  # Schulze's method is "beat path" there
               "ranked-pairs": ranked_pairs, "copeland": copeland, "minimax": minimax,
               "borda": borda_for_profile_with_ties}
    for name, method in methods.items():
        start = time.perf_counter()
        try:
            winners = method(profile)
        except Exception as error:  # noqa: BLE001 - one method failing is one table cell
            yield "pref_voting", name, None, f"failed: {str(error)[:60]}"
            continue
        took = time.perf_counter() - start
        yield "pref_voting", name, took, sorted(str(w) for w in winners)


def pyrankvote_runs(rows, counts):  # type: ignore[no-untyped-def]
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    people = [Candidate(f"C{i}") for i in range(10)]
    ballots = []
    for r, k in zip(rows.tolist(), counts.tolist(), strict=True):
        ballot = Ballot(ranked_candidates=[people[c] for c in r if c >= 0])
        ballots.extend([ballot] * k)  # pyrankvote has no weights: one object per ballot
    for name, count in (("irv", lambda: pyrankvote.instant_runoff_voting(people, ballots)),
                        ("stv", lambda: pyrankvote.single_transferable_vote(
                            people, ballots, number_of_seats=3))):
        start = time.perf_counter()
        result = count()
        took = time.perf_counter() - start
        yield "pyrankvote", name, took, sorted(c.name for c in result.get_winners())


if __name__ == "__main__":
    n = int(sys.argv[1])
    rows, counts = unique(rankings(n))
    for runs in (pref_voting_runs, pyrankvote_runs):
        try:
            for peer, method, took, winners in runs(rows, counts):
                if took is None:
                    print(json.dumps({"peer": peer, "method": method, "error": winners}))
                    continue
                print(json.dumps({"peer": peer, "method": method, "seconds": took,
                                  "winners": winners}), flush=True)
        except Exception as error:  # noqa: BLE001 - a peer failing is a table cell, not a crash
            print(json.dumps({"peer": runs.__name__.split("_runs")[0], "error": str(error)[:100]}))
