"""`hustings count` on real files: an RCTab config and the Minneapolis CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_count_cli import run_cli


def invoke(*args: str) -> str:
    """`hustings ARGS` through the real entry point; it must succeed."""
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


def test_count_rctab_config(shared_data: Path) -> None:
    config = shared_data / "rctab/test_set_1_exhaust_at_overvote/"
    out = invoke("count", str(config / "test_set_1_exhaust_at_overvote_config.json"),
                 "-f", "rctab")
    doc = json.loads(out)
    expected = json.loads(
        (config / "test_set_1_exhaust_at_overvote_expected_detailed_report.json").read_text()
    )
    assert [r["tally"] for r in doc["results"]] == [r["tally"] for r in expected["results"]]
    assert doc["config"]["contest"] == "test set 1"


@pytest.mark.slow
def test_count_minneapolis_csv(shared_data: Path, tmp_path: Path) -> None:
    rules = tmp_path / "minneapolis.toml"
    rules.write_text('overvote_rule = "always-skip-to-next"\nbatch_elimination = true\n')
    out = invoke("count", str(shared_data / "ballots/minneapolis-2017/2017-mayor-cvr.csv"),
                 "--method", "irv", "--rules", str(rules), "--format", "json")
    final = json.loads(out)["rounds"][-1]["tallies"]
    assert final == {"Jacob Frey": "46716", "Raymond Dehn": "34971"}
