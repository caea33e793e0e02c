"""RCTab rules read from a config: the minimum vote threshold, stopping early, a threshold fixed
at round 1 — on RCTab's own (retired) minimum-threshold cases, rebuilt as generic CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hustings.counting.registry import get_method
from hustings.domain.errors import InvalidInput
from hustings.formats.rctab_config import map_rules, read_rctab_config

# RCTab's minimum_threshold_test (in its suite until October 2025, RCTab 2.0.0's report):
# round 1 Gargamel 4, Megatron 3, Skeletor 2, Garfield 1, Odie 0, threshold 6 — Skeletor,
# Garfield and Odie are under the minimum of 3 and go together; round 2 Gargamel 6, Megatron 4:
# Gargamel is elected.
NAMES = ["Gargamel", "Skeletor", "Megatron", "Garfield", "Odie"]
BALLOTS = (4 * [["Gargamel", "Skeletor", "Megatron"]] + [["Skeletor", "Megatron"]]
           + [["Skeletor", "Garfield", "Gargamel"]] + 3 * [["Megatron", "Skeletor", "Gargamel"]]
           + [["Garfield", "Skeletor", "Gargamel"]])


def _rules(**more: Any) -> dict[str, Any]:
    return {"tiebreakMode": "random", "randomSeed": "0", "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority", "numberOfWinners": "1",
            "maxSkippedRanksAllowed": "1", "maxRankingsAllowed": "3",
            "minimumVoteThreshold": "3", **more}


def _config(folder: Path, names: list[str], ballots: list[list[str]], **rules: Any) -> Path:
    rows = [",".join(["id", *names])]
    for i, ballot in enumerate(ballots):
        rows.append(",".join([str(i), *(str(ballot.index(n) + 1) if n in ballot else ""
                                        for n in names)]))
    (folder / "cvr.csv").write_text("\n".join(rows) + "\n")
    config = {"outputSettings": {"contestName": "Minimum threshold test"},
              "cvrFileSources": [{"filePath": "cvr.csv", "provider": "genericCsv",
                                  "firstVoteColumnIndex": "2", "firstVoteRowIndex": "2"}],
              "candidates": [{"name": n} for n in names], "rules": _rules(**rules)}
    path = folder / "case_config.json"
    path.write_text(json.dumps(config))
    return path


def test_minimum_vote_threshold_reproduces_rctabs_case(tmp_path: Path) -> None:
    contest = read_rctab_config(_config(tmp_path, NAMES, BALLOTS))
    assert contest.options["minimum_votes"] == 3
    outcome = get_method(contest.method).count(contest.ballots.profile, 1, contest.options)
    assert [r.tallies for r in outcome.rounds] == [
        {"Gargamel": 4, "Skeletor": 2, "Megatron": 3, "Garfield": 1, "Odie": 0},
        {"Gargamel": 6, "Megatron": 4}]
    assert [r.threshold for r in outcome.rounds] == [6, 6]
    assert set(outcome.rounds[0].eliminated) == {"Skeletor", "Garfield", "Odie"}
    assert outcome.winners == ("Gargamel",)


def test_no_one_meeting_the_minimum_is_refused_as_rctab_aborts(tmp_path: Path) -> None:
    # RCTab's no_one_meets_minimum: A 3, B 2, minimum 4: "Tabulation can't proceed"
    contest = read_rctab_config(_config(tmp_path, ["A", "B"], 3 * [["A"]] + 2 * [["B"]],
                                        minimumVoteThreshold="4"))
    with pytest.raises(InvalidInput, match="minimum_votes is 4 and no candidate reaches it"):
        get_method(contest.method).count(contest.ballots.profile, 1, contest.options)


def test_a_multi_seat_minimum_and_stop_are_read(tmp_path: Path) -> None:
    contest = read_rctab_config(_config(
        tmp_path, NAMES, BALLOTS, winnerElectionMode="multiWinnerAllowMultipleWinnersPerRound",
        numberOfWinners="2", stopTabulationEarlyAfterRound="1"))
    assert contest.method == "stv"
    assert (contest.options["minimum_votes"], contest.options["stop_after_round"]) == (3, 1)
    outcome = get_method("stv").count(contest.ballots.profile, 2, contest.options)
    # threshold floor(10 / 3) + 1 = 4: Gargamel is elected in round 1, and the count stops
    assert outcome.winners == ("Gargamel",) and len(outcome.rounds) == 1
    assert outcome.extras["stopped_after_round"] == 1
    assert "1 of 2 seats filled" in outcome.summary[0]


def test_a_bottoms_up_minimum_and_stop_are_read_and_refused_with_cutoff(tmp_path: Path) -> None:
    contest = read_rctab_config(_config(tmp_path, NAMES, BALLOTS,
                                        winnerElectionMode="bottomsUp", numberOfWinners="2"))
    assert (contest.method, contest.options["minimum_votes"]) == ("bottoms-up", 3)
    outcome = get_method("bottoms-up").count(contest.ballots.profile, 2, contest.options)
    # Skeletor 2, Garfield 1 and Odie 0 go together; Gargamel 6 and Megatron 4 remain
    assert outcome.rounds[0].eliminated == ("Skeletor", "Garfield", "Odie")
    assert sorted(outcome.winners) == ["Gargamel", "Megatron"]
    contest = read_rctab_config(_config(tmp_path, NAMES, BALLOTS, winnerElectionMode="bottomsUp",
                                        numberOfWinners="2", minimumVoteThreshold="0",
                                        stopTabulationEarlyAfterRound="1"))
    stopped = get_method("bottoms-up").count(contest.ballots.profile, 2, contest.options)
    assert stopped.winners == () and stopped.extras["stopped_after_round"] == 1
    contest = read_rctab_config(_config(
        tmp_path, NAMES, BALLOTS, winnerElectionMode="bottomsUpUsingPercentageThreshold",
        multiSeatBottomsUpPercentageThreshold="25", cutoffElimination=True))
    with pytest.raises(InvalidInput, match="minimum_votes cannot go with cutoff_elimination"):
        get_method("bottoms-up").count(contest.ballots.profile, 1, contest.options)


@pytest.mark.parametrize(("rules", "field", "words"), [
    ({"stopTabulationEarlyAfterRound": "0"}, "rules.stopTabulationEarlyAfterRound",
     "at least 1"),
    ({"winnerElectionMode": "multiWinnerAllowMultipleWinnersPerRound", "numberOfWinners": "2",
      "doesFirstRoundDetermineThreshold": True}, "rules.doesFirstRoundDetermineThreshold",
     "RCTab refuses it too"),
    ({"minimumVoteThreshold": "-1"}, "rules.minimumVoteThreshold", "whole number"),
])
def test_rules_refused_name_the_option(rules: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        map_rules(_rules(**rules), "case_config.json")
    assert [p.field for p in refused.value.problems] == [field]
    assert words in str(refused.value)
