"""Scottish STV against the droop program's reference counts (Glasgow 2007 and test cases)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from hustings.counting.registry import get_method
from tests.counting.droop_blt import droop_stages, read_blt

CASES = [f"scotland/{w}" for w in (
    "Anderston-City", "Baillieston", "Calton", "Canal", "Craigton", "Drumchapel-Anniesland",
    "East-Centre", "Garscadden-Scotsounhill", "Govan", "Greater-Pollock", "Hillhead",
    "Langside", "Linn", "Maryhill-Kelvin", "Newlands-Auldburn", "North-East", "Partick-West",
    "Pollokshields", "Shettleston", "Southside-Central", "Springburn")]


def _paths(shared: Path, case: str, rule: str) -> tuple[Path, Path]:
    folder, _, stem = case.rpartition("/")
    blt = shared / "droop" / "blt" / folder / f"{stem}{'-2007' if folder else ''}.blt"
    ref = shared / "droop" / "ref" / "json" / folder / f"{blt.stem}-{rule}.txt"
    return blt, ref


def _compare(blt: Path, ref: Path, options: dict) -> None:
    profile, seats, _ = read_blt(blt)
    outcome = get_method("stv").count(profile, seats, options)
    stages, winners = droop_stages(ref)
    ours = [{k: Fraction(v) for k, v in r.tallies.items()} for r in outcome.rounds]
    lot = next((t.round for t in outcome.ties if "lot" in t.broken_by), None)
    if lot is None:
        assert sorted(outcome.winners) == winners
        assert len(ours) == len(stages)
    # droop draws its lots by ballot order, we by seeded lot: compare up to the first lot
    upto = len(stages) if lot is None else lot
    assert ours[:upto] == stages[:upto]


@pytest.mark.parametrize("case", CASES + ["scotland/weak-defeat", "scotland/weak-surplus",
                                          "/42", "/42t", "/42u", "/513", "/M135", "/SC",
                                          "/SCw", "/SC-Vm-12"])
def test_scottish_stv_matches_droop(shared_data: Path, case: str) -> None:
    folder, _, stem = case.rpartition("/")
    if folder == "scotland" and stem in ("weak-defeat", "weak-surplus"):
        blt = shared_data / "droop/blt/scotland" / f"{stem}.blt"
        ref = shared_data / "droop/ref/json/scotland" / f"{stem}-scotland-fixed-p5-d5.txt"
    elif folder == "scotland":
        blt, ref = _paths(shared_data, case, "scotland-fixed-p5-d5")
    else:
        blt = shared_data / "droop/blt" / f"{stem}.blt"
        ref = shared_data / "droop/ref/json" / f"{stem}-scotland-fixed-p5-d5.txt"
    _compare(blt, ref, {"variant": "scottish"})


@pytest.mark.parametrize("stem", ["42", "513", "SC", "SC-Vm-12"])
def test_exact_wigm_matches_droop_rational(shared_data: Path, stem: str) -> None:
    profile, seats, _ = read_blt(shared_data / "droop/blt" / f"{stem}.blt")
    outcome = get_method("stv").count(profile, seats, {"quota_rounding": "fractional"})
    stages, winners = droop_stages(shared_data / "droop/ref/json" / f"{stem}-wigm-rational-d12.txt")
    lot = next((t.round for t in outcome.ties if "lot" in t.broken_by), None)
    upto = len(stages) if lot is None else min(lot, len(stages))
    assert upto > 0 and len(outcome.rounds) >= upto  # a short count cannot pass unnoticed
    if lot is None:
        assert len(outcome.rounds) == len(stages)
    for ours, theirs in zip(outcome.rounds[:upto], stages[:upto], strict=True):
        assert ours.tallies.keys() == theirs.keys()
        assert all(abs(ours.tallies[k] - theirs[k]) < Fraction(1, 10**11) for k in theirs)
    if len(outcome.ties) == 0:
        assert sorted(outcome.winners) == winners


@pytest.mark.parametrize("stem", ["42", "513", "SC", "M135", "SC-Vm-12"])
def test_meek_winners_match_droop(shared_data: Path, stem: str) -> None:
    import json

    profile, seats, _ = read_blt(shared_data / "droop/blt" / f"{stem}.blt")
    record = json.loads((shared_data / "droop/ref/json" /
                         f"{stem}-meek-o9-guarded-p18-g9-d18.txt").read_text())
    names = {k: " ".join(v["name"].split()) for k, v in record["cdict"].items()}
    end = record["actions"][-1]["cstate"]
    winners = sorted(names[k] for k, s in end.items() if s["state"] == "elected")
    outcome = get_method("stv").count(profile, seats, {"variant": "meek"})
    assert sorted(outcome.winners) == winners
