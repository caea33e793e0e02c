"""Real elections reproduce their published outcomes (data in ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hustings.counting.outcome import decimal_string
from hustings.counting.registry import get_method
from hustings.formats.cvr_abif import read_abif
from hustings.formats.cvr_csv import read_csv_cvr
from hustings.formats.cvr_preflib import read_preflib

MINNEAPOLIS_RULES = {  # RCTab's "Minneapolis Rules" (cf. cruncher_expected_tabulation)
    "overvote_rule": "always-skip-to-next",
    "max_skipped_ranks": "unlimited",
    "batch_elimination": True,
}


def first_round(outcome) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {k: int(v) for k, v in outcome.rounds[0].tallies.items()}


def test_burlington_2009_preflib(shared_data: Path) -> None:
    read = read_preflib(shared_data / "ballots/preflib/00005_burlington/00005-00000002.toi")
    outcome = get_method("irv").count(read.profile)
    tallies = first_round(outcome)
    assert (tallies["Kurt Wright"], tallies["Bob Kiss"], tallies["Andy Montroll"],
            tallies["Dan Smith"]) == (2951, 2585, 2063, 1306)
    assert outcome.winners == ("Bob Kiss",)
    assert outcome.rounds[-1].tallies == {"Bob Kiss": 4313, "Kurt Wright": 4060}


def test_burlington_2009_abif_agrees(shared_data: Path) -> None:
    read = read_abif(shared_data / "ballots/abif/burl2009.abif")
    outcome = get_method("irv").count(read.profile)
    assert outcome.winners == ("Bob Kiss (Progressive)",)
    assert outcome.rounds[-1].tallies == {"Bob Kiss (Progressive)": 4313,
                                          "Kurt Wright (Republican)": 4060}


def test_dublin_west_2002(shared_data: Path) -> None:
    read = read_preflib(shared_data / "ballots/preflib/00001_irish/00001-00000002.soi")
    assert read.profile.total == 29988
    outcome = get_method("stv").count(read.profile, 3, {"variant": "wigm"})
    assert outcome.rounds[0].threshold == 7498
    tallies = first_round(outcome)
    assert tallies["Brian Lenihan F.F."] == 8086 and tallies["Joe Higgins S.P."] == 6442
    assert tallies["Joan Burton Lab"] == 3810
    assert set(outcome.winners) == {"Brian Lenihan F.F.", "Joe Higgins S.P.",
                                    "Joan Burton Lab"}


@pytest.mark.slow
def test_minneapolis_2017_mayor(shared_data: Path) -> None:
    read = read_csv_cvr(shared_data / "ballots/minneapolis-2017/2017-mayor-cvr.csv")
    assert read.profile.total == 105928
    outcome = get_method("irv").count(read.profile, 1, MINNEAPOLIS_RULES)
    tallies = first_round(outcome)
    assert [tallies[n] for n in ("Jacob Frey", "Tom Hoch", "Betsy Hodges", "Raymond Dehn",
                                 "Nekima Levy-Pounds")] == [26116, 20125, 18915, 18101, 15716]
    assert outcome.winners == ("Jacob Frey",)
    assert outcome.rounds[-1].tallies == {"Jacob Frey": 46716, "Raymond Dehn": 34971}


def test_sf_2018_mayor_abif_reads(shared_data: Path) -> None:
    read = read_abif(shared_data / "ballots/abif/sf2018special-results.abif")
    assert read.profile.total == 254016
    outcome = get_method("irv").count(read.profile)
    assert outcome.winners == ("LONDON BREED",)


def test_glasgow_total_decimals_helper() -> None:
    assert decimal_string(1, 5) == "1"
