"""`hustings count CONFIG -f rctab` on RCTab's Dominion, Hart and Clear Ballot fixtures and on
the cases of its rule options (bottoms-up, one winner a round, a threshold fixed at round 1,
stopping early, generated and interactive tie-breaks, sequential passes): the real console
script's entry point reproduces RCTab's own reports, round by round."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_count_cli import run_cli

VENDOR_CASES = [
    "dominion_wyoming", "dominion_multi_file", "dominion_no_precinct_data", "dominion_alaska",
    "hart_cedar_park_school_board", "hart_travis_county_officers",
    "clear_ballot_kansas_primary", "clear_ballot_with_inline_comma", "2024_alaska_dominion",
]
RULE_CASES = [
    "2013_minneapolis_park_bottoms_up", "multi_seat_bottoms_up_with_cutoff_eliminate",
    "multi_seat_bottoms_up_with_dynamic_threshold", "multi_seat_bottoms_up_with_static_threshold",
    "test_set_allow_only_one_winner_per_round", "first_round_determines_threshold_test",
    "first_round_determines_threshold_tiebreaker_test", "stop_tabulation_early_test",
    "tiebreak_generate_permutation_test",
]
SEQUENTIAL_CASES = ["2013_minneapolis_park_sequential", "sequential_with_batch",
                    "sequential_with_continue_until_two"]
UWI = "Undeclared Write-ins"


def _rounds(report: dict) -> list[dict[str, str]]:  # type: ignore[type-arg]
    """Each round's tallies; RCTab's 0-vote write-in row is dropped (hustings lists UWI only
    when there are write-ins)."""
    return [{k: v for k, v in r["tally"].items() if not (k == UWI and v == "0")}
            for r in report["results"]]


def _elected(report: dict) -> list[str]:  # type: ignore[type-arg]
    return sorted(x["elected"] for r in report["results"] for x in r["tallyResults"]
                  if "elected" in x)


@pytest.mark.parametrize("case", VENDOR_CASES + RULE_CASES)
def test_case_reproduces_rctab_through_hustings_count(shared_data: Path, case: str) -> None:
    folder = shared_data / "rctab" / case
    code, out, err = run_cli("count", str(folder / f"{case}_config.json"), "-f", "rctab")
    assert code == 0, err
    ours = json.loads(out)
    theirs = json.loads((folder / f"{case}_expected_detailed_report.json").read_text())
    assert _rounds(ours) == _rounds(theirs)
    assert _elected(ours) == _elected(theirs)


@pytest.mark.parametrize("case", SEQUENTIAL_CASES)
def test_sequential_case_elects_each_pass_winner(shared_data: Path, case: str) -> None:
    folder = shared_data / "rctab" / case
    code, out, err = run_cli("count", str(folder / f"{case}_config.json"), "-f", "json")
    assert code == 0, err
    ours = json.loads(out)
    passes = sorted(folder.glob(f"{case}_*_expected_detailed_report.json"))
    assert [w for p in passes for w in _elected(json.loads(p.read_text()))] == ours["winners"]


def test_interactive_tie_is_refused_naming_it(shared_data: Path) -> None:
    folder = shared_data / "rctab/sample_interactive_tiebreak"
    config = folder / "sample_interactive_tiebreak_config.json"
    code, _, err = run_cli("count", str(config), "-f", "rctab")
    assert code == 2
    assert "tied for elimination in round 2" in err and "tiebreak=ask" in err


def test_missing_dominion_cvr_file_is_a_clear_error(shared_data: Path) -> None:
    config = shared_data / "rctab/dominion_kansas/dominion_kansas_config.json"
    code, _, err = run_cli("count", str(config), "-f", "rctab")
    assert code == 2
    assert "kansas_input_data" in err and "no CvrExport.json" in err


def test_count_detects_clear_ballot_csv_and_dominion_zip(tmp_path: Path) -> None:
    from tests.elections.test_ballots_vendors import NORTH, SOUTH, clear_ballot, dominion_zip

    both = NORTH + SOUTH
    csv_file = tmp_path / "cvr.csv"
    csv_file.write_bytes(clear_ballot(both))
    zip_file = tmp_path / "export.zip"
    zip_file.write_bytes(dominion_zip(both))
    results = []
    for path in (csv_file, zip_file):
        code, out, err = run_cli("count", str(path), "-m", "irv", "-f", "json")
        assert code == 0, err
        results.append(json.loads(out))
    assert results[0]["winners"] == results[1]["winners"] == ["Bob Baker"]
    assert [r["tallies"] for r in results[0]["rounds"]] == [
        r["tallies"] for r in results[1]["rounds"]]


def test_count_clear_ballot_with_two_contests_says_which(tmp_path: Path) -> None:
    from tests.elections.test_ballots_vendors import FIXED

    path = tmp_path / "two.csv"
    path.write_text(FIXED + ",Choice_1_1:Mayor:1:Vote For 1:Ann:NON,"
                    "Choice_2_1:Sheriff:1:Vote For 1:Bob:NON\n1,B,1,B+1,1,1,P,S,0,0,1,0\n")
    code, _, err = run_cli("count", str(path), "-m", "irv")
    assert code == 2 and "two.csv:1" in err and "2 contests" in err


def test_docs_example_counts_the_kansas_clear_ballot_csv(shared_data: Path) -> None:
    """docs/cli-count.md: `hustings count clear_ballot_kansas_primary.cvr.csv --method irv`."""
    path = shared_data / "rctab/clear_ballot_kansas_primary/clear_ballot_kansas_primary.cvr.csv"
    code, out, err = run_cli("count", str(path), "--method", "irv", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rounds"][0]["tallies"]["Amy Klobuchar"] == "20"
    assert sum(int(v) for v in doc["rounds"][0]["tallies"].values()) + int(
        doc["rounds"][0]["exhausted"]) == 50  # RCTab: totalNumBallots 50


def test_count_reads_a_dominion_export_folder(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "rctab/dominion_wyoming/wyoming_input_data"
    code, out, err = run_cli("count", str(folder), "-m", "irv", "-f", "json")
    assert code == 0, err
    first = json.loads(out)["rounds"][0]
    assert first["tallies"]["Bernie Sanders"] == "117"  # as RCTab's report, round 1
    assert sum(int(v) for v in first["tallies"].values()) + int(first["exhausted"]) == 1000
    code, _, err = run_cli("count", str(tmp_path), "-m", "irv")
    assert code == 2 and "only as a Dominion CVR export" in err
