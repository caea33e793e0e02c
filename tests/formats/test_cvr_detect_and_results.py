"""Format detection and the results writers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from hustings.counting.outcome import Outcome, Round
from hustings.domain.errors import InvalidInput
from hustings.formats.detect import detect_format, read_ballots, sniff
from hustings.formats.results_csv import write_results_csv
from hustings.formats.results_nist import nist_results
from hustings.formats.results_rctab import rctab_summary


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.blt", "", "blt"),
        ("a.toi", "", "preflib"),
        ("a.abif", "", "abif"),
        ("a.csv", "", "csv"),
        ("a.txt", "3 2\n1 1 0\n0\n", "blt"),
        ("a.txt", "# FILE NAME: x\n# NUMBER ALTERNATIVES: 2\n", "preflib"),
        ("a.txt", "=A:[Ann]\n3:A\n", "abif"),
        ("a.txt", "precinct,rank1,rank2\n", "csv"),
        ("a.json", '{"CVR": [], "Election": []}', "nist"),
        ("a_config.json", '{"cvrFileSources": []}', "rctab"),
    ],
)
def test_detect(tmp_path: Path, name: str, text: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert detect_format(path) == fmt


def test_detect_unknown(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello\n")
    with pytest.raises(InvalidInput, match="cannot tell the ballot format"):
        detect_format(path)
    assert sniff("") is None


def test_read_ballots_dispatches(tmp_path: Path) -> None:
    path = tmp_path / "a.blt"
    path.write_text('2 1\n1 1 2 0\n0\n"A" "B"\n"T"\n')
    assert read_ballots(path).profile.candidates == ("A", "B")
    with pytest.raises(InvalidInput, match="unknown input format"):
        read_ballots(path, "xml")


OUTCOME = Outcome(
    method="irv",
    seats=1,
    candidates=("Ann", "Bob", "UWI"),
    winners=("Ann",),
    rounds=(
        Round(1, {"Ann": 4, "Bob": 3, "UWI": 1}, eliminated=("UWI",), exhausted=0,
              threshold=5, transfers={"UWI": {"Bob": 1}}),
        Round(2, {"Ann": 4, "Bob": 4}, eliminated=("Bob",), exhausted=0, threshold=5,
              transfers={"Bob": {"Ann": 2, "exhausted": 2}}),
        Round(3, {"Ann": 6}, elected=("Ann",), exhausted=2, threshold=4),
    ),
    decimals=0,
)


def test_rctab_summary_shape() -> None:
    doc = rctab_summary(OUTCOME, contest="Test", total_ballots=8)
    assert doc["config"]["contest"] == "Test"
    first = doc["results"][0]
    assert first["tally"] == {"Ann": "4", "Bob": "3", "Undeclared Write-ins": "1"}
    assert first["tallyResults"] == [
        {"eliminated": "Undeclared Write-ins", "transfers": {"Bob": "1"}}
    ]
    assert doc["results"][2]["tallyResults"] == [{"elected": "Ann", "transfers": {}}]
    assert doc["summary"]["finalThreshold"] == "4"
    assert doc["summary"]["totalNumBallots"] == "8"
    json.dumps(doc)


def test_nist_results_fields() -> None:
    doc = nist_results(OUTCOME, contest="Mayor")
    assert doc["@type"] == "ElectionResults.ElectionReport"
    contest = doc["Election"][0]["Contest"][0]
    assert contest["@type"] == "ElectionResults.CandidateContest"
    assert contest["NumberElected"] == 1 and contest["VoteVariation"] == "rcv"
    ann = contest["ContestSelection"][0]
    assert [c.get("OtherType", c["Type"]) for c in ann["VoteCounts"]] == [
        "round-1", "round-2", "round-3", "total"]
    assert ann["VoteCounts"][-1]["Count"] == 6
    assert contest["ContestSelection"][2]["IsWriteIn"] is True
    winners = [c for c in doc["Election"][0]["Candidate"] if c.get("PostElectionStatus")]
    assert [w["BallotName"]["Text"][0]["Content"] for w in winners] == ["Ann"]


def test_results_csv_table() -> None:
    rows = list(csv.reader(io.StringIO(write_results_csv(OUTCOME))))
    assert rows[0] == ["candidate", "round 1", "round 2", "round 3", "status"]
    assert rows[1] == ["Ann", "4", "4", "6", "elected"]
    assert rows[2] == ["Bob", "3", "4", "", "eliminated"]
    assert rows[-2] == ["(exhausted)", "0", "0", "2", ""]
