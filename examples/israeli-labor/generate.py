"""Regenerate the demo's member rolls and tally sheets (deterministic; run from this folder).

The published totals are real (see README.md); every per-member and per-precinct figure is
illustrative, made so that the sums equal the published totals exactly. Precincts differ in
size, and each sheet gives each precinct its own turnout and its own lean between the
candidates (drawn from a seeded generator, so every run writes the same files), so no two
precincts report the same figures.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent

PRECINCTS = [
    ("TLV", "Tel Aviv"), ("JLM", "Jerusalem"), ("HFA", "Haifa"), ("BSH", "Beersheba"),
    ("NTN", "Netanya"), ("RLZ", "Rishon LeZion"), ("PTK", "Petah Tikva"), ("ASD", "Ashdod"),
    ("NZR", "Nazareth Illit"), ("KSH", "Kiryat Shmona"), ("DMN", "Dimona"), ("AKO", "Acre"),
]
WEIGHTS = [183, 141, 127, 84, 73, 69, 64, 58, 47, 39, 52, 44]  # precinct sizes, all different
VOIDED_2001 = ["NZR", "KSH", "DMN", "AKO"]  # illustrative: the precincts the ruling voids


def split(total: int, weights: list[int]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights` (exact sum)."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def write_csv(name: str, header: list[str], rows: list[list[object]]) -> None:
    with open(HERE / name, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def members() -> dict[str, dict[str, int]]:
    """The party membership; returns per-precinct roll sizes for 2001 and 2002."""
    groups = [  # (count, joined from, standing, on 2001 roll, on 2002 roll)
        (108_400, date(1990, 1, 1), "good", True, True),
        (4_240, date(2001, 2, 1), "good", False, True),
        (700, date(1995, 1, 1), "suspended", False, False),
        (1_200, date(1993, 1, 1), "lapsed", False, False),
        (900, date(2002, 3, 1), "good", False, False),
    ]
    rows: list[list[object]] = []
    rolls = {"2001": dict.fromkeys([c for c, _ in PRECINCTS], 0),
             "2002": dict.fromkeys([c for c, _ in PRECINCTS], 0)}
    n = 0
    for count, start, standing, in_2001, in_2002 in groups:
        for (code, _), k in zip(PRECINCTS, split(count, WEIGHTS), strict=True):
            for j in range(k):
                n += 1
                joined = start + timedelta(days=j % 300)
                rows.append([f"M{n:06d}", f"Member {n:06d}", joined.isoformat(), standing, code])
            if in_2001:
                rolls["2001"][code] += k
            if in_2002:
                rolls["2002"][code] += k
    write_csv("members.csv", ["member_id", "name", "joined", "standing", "precinct"], rows)
    return rolls


def central_committee() -> int:
    rows: list[list[object]] = []
    for i in range(1, 2_471 + 1):
        rows.append([f"CC{i:04d}", f"Committee member {i:04d}", "2002-01-15", "good", "CC"])
    for i in range(2_472, 2_472 + 29):
        rows.append([f"CC{i:04d}", f"Committee member {i:04d}", "2002-01-15", "suspended", "CC"])
    write_csv("central-committee.csv", ["member_id", "name", "joined", "standing", "precinct"],
              rows)
    return 2_471


def sheets(name: str, codes: list[str], roll: dict[str, int], votes: dict[str, int],
           blank: int, invalid: int, seed: int) -> None:
    """One row per precinct; each column sums exactly to its total. A precinct's share of the
    ballots follows its roll times its own turnout; each candidate's share of a precinct's
    votes leans by a factor of its own (seeded, so the files are the same on every run)."""
    draw = random.Random(seed)
    keys = list(votes)
    turnout = [roll[code] * draw.uniform(0.85, 1.15) for code in codes]
    per = {k: split(v, [round(t * draw.lognormvariate(0, 0.18) * 1000) for t in turnout])
           for k, v in votes.items()}
    spoilt = [round(t * draw.uniform(0.7, 1.3) * 1000) for t in turnout]
    blanks, invalids = split(blank, spoilt), split(invalid, spoilt)
    rows: list[list[object]] = []
    for i, code in enumerate(codes):
        cand = [per[k][i] for k in keys]
        cast = sum(cand) + blanks[i] + invalids[i]
        assert cast <= roll[code], (name, code)
        rows.append([code, roll[code], cast, *cand, blanks[i], invalids[i]])
    figures = [tuple(r[1:]) for r in rows]
    assert len(set(figures)) == len(figures), name  # no two precincts alike
    write_csv(name, ["precinct", "registered", "ballots_cast", *keys, "blank", "invalid"], rows)


def main() -> None:
    rolls = members()
    write_csv("precincts.csv", ["code", "name"], [list(p) for p in PRECINCTS])
    codes = [c for c, _ in PRECINCTS]
    kept = [c for c in codes if c not in VOIDED_2001]
    # 2001, 4 September: Burg 32,500, Ben-Eliezer 31,412 (illustrative; margin 1,088 published).
    sheets("tally-2001-september-kept.csv", kept, rolls["2001"],
           {"burg": 26_000, "ben-eliezer": 28_412}, 420, 310, 2001_09)
    sheets("tally-2001-september-voided.csv", VOIDED_2001, rolls["2001"],
           {"burg": 6_500, "ben-eliezer": 3_000}, 90, 60, 2001_0904)
    # 2001, 26 December re-vote in the voided precincts: final Ben-Eliezer 32,910, Burg 30,367.
    sheets("tally-2001-december-revote.csv", VOIDED_2001, rolls["2001"],
           {"burg": 4_367, "ben-eliezer": 4_498}, 70, 45, 2001_12)
    # 2002: Mitzna 35,945, Ben-Eliezer 25,445, Ramon 4,830 (published); turnout 59.5%.
    sheets("tally-2002.csv", codes, rolls["2002"],
           {"mitzna": 35_945, "ben-eliezer": 25_445, "ramon": 4_830}, 412, 388, 2002)
    # 2003: the Central Committee; Peres 631, Sneh 359, Atar 281 (published); turnout 52%.
    cc = central_committee()
    sheets("tally-2003.csv", ["CC"], {"CC": cc}, {"peres": 631, "sneh": 359, "atar": 281}, 5, 9,
           2003)
    # 2007, two rounds under the 40% rule (published): first round 28 May, Barak 23,887,
    # Ayalon 20,514, Peretz 15,037, Paz-Pines 5,330, Yatom 1,806; runoff 12 June, Barak
    # 34,542, Ayalon 32,117. The 2007 roll is every good-standing member (see labor-2007.toml).
    roll_2007 = {code: rolls["2002"][code] + k
                 for code, k in zip(codes, split(900, WEIGHTS), strict=True)}
    sheets("tally-2007-first-round.csv", codes, roll_2007,
           {"barak": 23_887, "ayalon": 20_514, "peretz": 15_037, "paz-pines": 5_330,
            "yatom": 1_806}, 380, 295, 2007_05)
    sheets("tally-2007-runoff.csv", codes, roll_2007,
           {"barak": 34_542, "ayalon": 32_117}, 240, 205, 2007_06)


if __name__ == "__main__":
    main()
