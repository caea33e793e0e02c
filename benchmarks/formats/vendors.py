"""The benchmark's ballots as vendor CVRs (Dominion export, Clear Ballot CSV, Hart folder), and
`hustings count` timed on them, whole process, beside a plain-Python peer that only reads them.

The ballots are those of benchmarks/formats/generate.py (ten candidates, seed 2017). The
Dominion export is one pretty-printed CvrExport.json (as Dominion writes it); Clear Ballot one
CSV of ten sheet columns and a 0/1 column per candidate and rank; Hart one XML file a ballot
(so at most `--hart` ballots). The peer is what a script would do without hustings: the
standard library's json.load / csv / ElementTree and a loop over the ballots, building nothing.

    python benchmarks/formats/vendors.py 100000 /tmp/vendors [--hart 10000] [--repeat 3]
        [--formats dominion clearballot hart]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "formats_generate", Path(__file__).resolve().parent / "generate.py")
assert _spec is not None and _spec.loader is not None
_generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generate)
CANDIDATES, chunks = _generate.CANDIDATES, _generate.chunks
RANKS = 5
FIXED = ("RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,"
         "ScanComputerName,Status,Remade")


def rankings(n: int) -> list[list[int]]:
    out: list[list[int]] = []
    for rows in chunks(n):
        out.extend([int(c) for c in row if c >= 0][:RANKS] for row in rows.tolist())
    return out


def write_dominion(ballots: list[list[int]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    manifests = {
        "ContestManifest.json": [{"Id": 1, "Description": "Mayor", "NumOfRanks": RANKS}],
        "CandidateManifest.json": [{"Id": 100 + i, "Description": name, "ContestId": 1,
                                    "Type": "Regular"} for i, name in enumerate(CANDIDATES)],
        "PrecinctPortionManifest.json": [{"Id": 1, "Description": "Precinct 1"}],
    }
    for name, entries in manifests.items():
        (folder / name).write_text(json.dumps({"Version": "5.10", "List": entries}, indent=2))
    sessions = [{
        "TabulatorId": 1, "BatchId": i // 250, "RecordId": i, "CountingGroupId": 1,
        "Original": {"PrecinctPortionId": 1, "BallotTypeId": 1, "IsCurrent": True,
                     "Cards": [{"Id": 1, "PaperIndex": 0, "Contests": [{
                         "Id": 1, "Undervotes": 0, "Overvotes": 0, "OutstackConditionIds": [],
                         "Marks": [{"CandidateId": 100 + c, "PartyId": 0, "Rank": r + 1,
                                    "MarkDensity": 100, "IsAmbiguous": False, "IsVote": True,
                                    "OutstackConditionIds": []}
                                   for r, c in enumerate(ranking)]}]}]}}
        for i, ranking in enumerate(ballots)]
    with (folder / "CvrExport.json").open("w") as out:
        json.dump({"Version": "5.10", "ElectionId": "bench", "Sessions": sessions}, out,
                  indent=2)


def write_clear_ballot(ballots: list[list[int]], path: Path) -> None:
    columns = [(r, c) for r in range(1, RANKS + 1) for c in range(len(CANDIDATES))]
    with path.open("w") as out:
        out.write(FIXED + "," + ",".join(
            f"Choice_{c}_1:Mayor:{r}:Vote For 1:{CANDIDATES[c]}:NON" for r, c in columns) + "\n")
        for i, ranking in enumerate(ballots):
            cells = ["1" if r <= len(ranking) and ranking[r - 1] == c else "0"
                     for r, c in columns]
            out.write(f"{i},B,{i},B+{i},1,1,P,S,0,0," + ",".join(cells) + "\n")


def write_hart(ballots: list[list[int]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, ranking in enumerate(ballots):
        options = "".join(
            f"<Option><Name>{CANDIDATES[c]}</Name><Id>c{c}</Id><Value>"
            + "".join("1" if r < len(ranking) and ranking[r] == c else "0" for r in range(RANKS))
            + "</Value></Option>" for c in sorted(set(ranking)))
        (folder / f"{i}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><Cvr xmlns="http://tempuri.org/CVRDesign.xsd">'
            f"<Contests><Contest><Name>Mayor</Name><Id>m1</Id><Options>{options}</Options>"
            f"</Contest></Contests><CvrGuid>{i}</CvrGuid></Cvr>")


PEER = r'''
import csv, json, sys
from pathlib import Path
from xml.etree import ElementTree
kind, where = sys.argv[1], Path(sys.argv[2])
n = 0
if kind == "dominion":
    for s in json.load(open(where / "CvrExport.json"))["Sessions"]:
        for card in s["Original"]["Cards"]:
            for c in card["Contests"]:
                ranking = [m["CandidateId"] for m in sorted(c["Marks"], key=lambda m: m["Rank"])]
                n += 1
elif kind == "clearballot":
    with open(where, newline="") as handle:
        rows = csv.reader(handle)
        head = next(rows)
        for row in rows:
            ranking = [head[i] for i in range(10, len(row)) if row[i] == "1"]
            n += 1
else:
    ns = "{http://tempuri.org/CVRDesign.xsd}"
    for f in sorted(where.iterdir()):
        root = ElementTree.parse(f).getroot()
        ranking = [o.findtext(ns + "Id") for o in root.iter(ns + "Option")]
        n += 1
print(n)
'''


def timed(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--hart", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", nargs="+", default=["dominion", "clearballot", "hart"])
    args = parser.parse_args()
    ballots = rankings(args.n)
    args.folder.mkdir(parents=True, exist_ok=True)
    files = {"dominion": args.folder / "dominion", "clearballot": args.folder / "cb.csv",
             "hart": args.folder / "hart"}
    files = {k: v for k, v in files.items() if k in args.formats}
    if "dominion" in files:
        write_dominion(ballots, files["dominion"])
    if "clearballot" in files:
        write_clear_ballot(ballots, files["clearballot"])
    if "hart" in files:
        write_hart(ballots[: args.hart], files["hart"])
    hustings = str(Path(sys.executable).with_name("hustings"))
    print("| format | ballots | hustings count (wall / CPU s) | peer read (wall / CPU s) |")
    print("|---|---|---|---|")
    for kind, path in files.items():
        if kind == "hart":  # hustings reads Hart folders through an RCTab config only
            config = args.folder / "hart_config.json"
            config.write_text(json.dumps({
                "cvrFileSources": [{"filePath": "hart", "contestId": "m1", "provider": "hart"}],
                "candidates": [{"name": name, "aliases": [f"c{i}"]}
                               for i, name in enumerate(CANDIDATES)],
                "rules": {"tiebreakMode": "useCandidateOrder", "overvoteRule":
                          "exhaustImmediately", "winnerElectionMode": "singleWinnerMajority",
                          "numberOfWinners": "1", "maxSkippedRanksAllowed": "unlimited",
                          "maxRankingsAllowed": "max"}}))
            ours = [hustings, "count", str(config), "-f", "json"]
        else:
            ours = [hustings, "count", str(path), "-m", "irv", "-f", "json"]
        peer = [sys.executable, "-c", PEER, kind, str(path)]
        mine = [timed(ours) for _ in range(args.repeat)]
        theirs = [timed(peer) for _ in range(args.repeat)]
        count = args.hart if kind == "hart" else args.n
        print(f"| {kind} | {count:,} | {statistics.median(w for w, _ in mine):.2f} / "
              f"{statistics.median(c for _, c in mine):.2f} | "
              f"{statistics.median(w for w, _ in theirs):.2f} / "
              f"{statistics.median(c for _, c in theirs):.2f} |")
    os.sync()


if __name__ == "__main__":
    main()
