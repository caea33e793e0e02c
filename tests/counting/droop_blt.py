"""A throwaway BLT reader for cross-checking against droop's reference outputs (tests only)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from hustings.counting.profile import Profile


def read_blt(path: Path) -> tuple[Profile, int, str]:
    """Profile (withdrawn candidates dropped), seats and title of a simple BLT file."""
    tokens = path.read_text().split("\n")
    lines = [t.strip() for t in tokens if t.strip() and not t.strip().startswith("[")]
    n, seats = (int(x) for x in lines[0].split())
    i = 1
    withdrawn: set[int] = set()
    if lines[i].startswith("-"):
        withdrawn = {-int(x) for x in lines[i].split()}
        i += 1
    ballots: list[list[int]] = []
    counts: list[int] = []
    while lines[i] != "0":
        parts = lines[i].split()
        counts.append(int(parts[0]))
        ballots.append([int(x) for x in parts[1:-1]])
        i += 1
    i += 1
    names = [" ".join(lines[i + k].strip('"').split()) for k in range(n)]
    title = lines[i + n].strip('"')
    keep = [c for c in range(1, n + 1) if c not in withdrawn]
    index = {c: k for k, c in enumerate(keep)}
    rows = [[index[c] for c in b if c in index] for b in ballots]
    profile = Profile.from_ballots([names[c - 1] for c in keep], rows, counts)
    return profile, seats, title


def droop_stages(path: Path) -> tuple[list[dict[str, Fraction]], list[str]]:
    """Per stage (begin, then each transfer), the votes of non-defeated candidates; winners."""
    record = json.loads(path.read_text())
    names = {cid: " ".join(c["name"].split()) for cid, c in record["cdict"].items()}
    stages = []
    for action in record["actions"]:
        if action["tag"] in ("begin", "transfer"):
            stages.append({
                names[cid]: Fraction(s["vote"])
                for cid, s in action["cstate"].items()
                if s["code"] not in ("D", "W", "d", "w") and s["state"] != "withdrawn"
            })
    end = record["actions"][-1]["cstate"]
    winners = sorted(names[cid] for cid, s in end.items() if s["state"] == "elected")
    return stages, winners
