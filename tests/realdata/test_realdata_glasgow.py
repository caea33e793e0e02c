"""The 21 Glasgow 2007 wards under Scottish STV against droop's reference counts."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from hustings.counting.registry import get_method
from hustings.formats.cvr_blt import read_blt

WARDS = [
    "Anderston-City", "Baillieston", "Calton", "Canal", "Craigton", "Drumchapel-Anniesland",
    "East-Centre", "Garscadden-Scotsounhill", "Govan", "Greater-Pollock", "Hillhead",
    "Langside", "Linn", "Maryhill-Kelvin", "Newlands-Auldburn", "North-East", "Partick-West",
    "Pollokshields", "Shettleston", "Southside-Central", "Springburn",
]


def droop_reference(shared_data: Path, ward: str) -> dict:  # type: ignore[type-arg]
    path = shared_data / f"droop/ref/json/scotland/{ward}-2007-scotland-fixed-p5-d5.txt"
    return json.loads(path.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("ward", WARDS)
def test_glasgow_ward_round_by_round(shared_data: Path, ward: str) -> None:
    read = read_blt(shared_data / f"droop/blt/scotland/{ward}-2007.blt")
    outcome = get_method("stv").count(read.profile, read.seats, {"variant": "scottish"})
    ref = droop_reference(shared_data, ward)
    names = {cid: c["name"] for cid, c in ref["cdict"].items()}
    spaced = {" ".join(c.split()): c for c in read.profile.candidates}  # droop squeezes spaces
    assert outcome.rounds[0].threshold == Fraction(ref["quota"])
    starts = [a for a in ref["actions"] if a["tag"] == "round"]
    assert len(outcome.rounds) >= len(starts)
    for ours, theirs in zip(outcome.rounds, starts, strict=False):
        want = {" ".join(names[cid].split()): Fraction(s["vote"])
                for cid, s in theirs["cstate"].items()}
        assert {c: Fraction(v) for c, v in ours.tallies.items()} == {
            c: want[" ".join(c.split())] for c in ours.tallies
        }, f"round {ours.number}"
    elected = [a["msg"].split(": ", 1)[1] for a in ref["actions"]
               if a["tag"] == "elect" or a["msg"].startswith("Elect")]
    assert set(outcome.winners) == {spaced[" ".join(e.split())] for e in elected}


@pytest.mark.slow
def test_glasgow_2007_all_seats_filled(shared_data: Path) -> None:
    seats = 0
    winners: Counter[str] = Counter()
    for ward in WARDS:
        read = read_blt(shared_data / f"droop/blt/scotland/{ward}-2007.blt")
        outcome = get_method("stv").count(read.profile, read.seats, {"variant": "scottish"})
        seats += read.seats
        winners.update(outcome.winners)
    assert seats == 79 and sum(winners.values()) == 79
