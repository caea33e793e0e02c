"""pyrankvote reading a ballot file in any of the benchmark's formats (run in .venv-bench).

    python peers.py irv|stv FORMAT FILE [SEATS]

A plain script, as a user of pyrankvote would write it: the standard library reads the file
(csv, json, str.split), one pyrankvote Ballot per ballot (pyrankvote has no weights). Prints
the winners.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator


def csv_rankings(path: str) -> Iterator[list[str]]:
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        ranks = [i for i, name in enumerate(header) if name.lower().startswith("rank")]
        for row in reader:
            yield [row[i] for i in ranks if row[i]]


def blt_rankings(path: str) -> Iterator[list[str]]:
    with open(path) as handle:
        lines = handle.read().splitlines()
    n = int(lines[0].split()[0])
    end = lines.index("0")
    names = [line.strip().strip('"') for line in lines[end + 1 : end + 1 + n]]
    for line in lines[1:end]:
        weight, *marks = line.split()
        ranking = [names[int(m) - 1] for m in marks[:-1]]
        for _ in range(int(weight)):
            yield ranking


def preflib_rankings(path: str) -> Iterator[list[str]]:
    names: dict[str, str] = {}
    with open(path) as handle:
        for line in handle:
            if line.startswith("# ALTERNATIVE NAME"):
                key, _, name = line[len("# ALTERNATIVE NAME "):].partition(":")
                names[key.strip()] = name.strip()
            elif not line.startswith("#") and line.strip():
                count, _, order = line.partition(":")
                ranking = [names[m.strip()] for m in order.split(",") if m.strip()]
                for _ in range(int(count)):
                    yield ranking


def abif_rankings(path: str) -> Iterator[list[str]]:
    names: dict[str, str] = {}
    with open(path) as handle:
        for line in handle:
            if line.startswith("="):
                token, _, name = line[1:].partition(":")
                names[token.strip()] = name.strip().strip("[]")
            elif line[:1].isdigit():
                count, _, body = line.partition(":")
                ranking = [names.get(t.strip(), t.strip()) for t in body.split(">") if t.strip()]
                for _ in range(int(count)):
                    yield ranking


def nist_rankings(path: str) -> Iterator[list[str]]:
    with open(path) as handle:
        report = json.load(handle)
    people = {c["@id"]: c["Name"] for e in report["Election"] for c in e["Candidate"]}
    contest = report["Election"][0]["Contest"][0]
    names = {s["@id"]: people[s["CandidateIds"][0]] for s in contest["ContestSelection"]}
    for cvr in report["CVR"]:
        snapshot = next(s for s in cvr["CVRSnapshot"] if s["@id"] == cvr["CurrentSnapshotId"])
        marks = []
        for c in snapshot["CVRContest"]:
            for sel in c["CVRContestSelection"]:
                for pos in sel["SelectionPosition"]:
                    marks.append((pos["Rank"], names[sel["ContestSelectionId"]]))
        yield [name for _, name in sorted(marks)]


READERS = {"csv": csv_rankings, "blt": blt_rankings, "preflib": preflib_rankings,
           "abif": abif_rankings, "nist": nist_rankings}


def main() -> None:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    method, fmt, path = sys.argv[1:4]
    seats = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    people: dict[str, Candidate] = {}
    ballots = [Ballot(ranked_candidates=[people.setdefault(n, Candidate(n)) for n in r])
               for r in READERS[fmt](path)]
    candidates = list(people.values())
    if method == "irv":
        result = pyrankvote.instant_runoff_voting(candidates, ballots)
    else:
        result = pyrankvote.single_transferable_vote(candidates, ballots, number_of_seats=seats)
    print([c.name for c in result.get_winners()])


if __name__ == "__main__":
    main()
