"""`hustings count` and `hustings methods` through the real console script's entry point."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hustings.cli.entry import main

BLT = '3 1\n4 1 2 0\n3 2 0\n2 3 2 0\n0\n"Ann" "Bob" "Cy"\n"Club chair"\n'


def run_cli(*args: str) -> tuple[int, str, str]:
    """`hustings ARGS` in process (cli/entry.py's main): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


def ballots(tmp_path: Path, text: str = BLT, name: str = "club.blt") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_count_table(tmp_path: Path) -> None:
    code, out, _ = run_cli("count", str(ballots(tmp_path)), "--method", "irv")
    assert code == 0
    assert "Club chair" in out and "Bob (elected)" in out and "Cy" in out


def test_count_json_is_the_outcome_contract(tmp_path: Path) -> None:
    code, out, _ = run_cli("count", str(ballots(tmp_path)), "--method", "irv", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["winners"] == ["Bob"] and doc["candidates"] == ["Ann", "Bob", "Cy"]
    assert doc["rounds"][0]["tallies"] == {"Ann": "4", "Bob": "3", "Cy": "2"}


def test_count_other_outputs(tmp_path: Path) -> None:
    path = str(ballots(tmp_path))
    assert json.loads(run_cli("count", path, "-m", "irv", "-f", "rctab")[1])["results"]
    nist = json.loads(run_cli("count", path, "-m", "irv", "-f", "nist")[1])
    assert nist["@type"] == "ElectionResults.ElectionReport"
    assert run_cli("count", path, "-m", "irv", "-f", "csv")[1].startswith("candidate,round 1")


def test_count_rules_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('tiebreak = "random"\nseed = 7\n')
    code, out, _ = run_cli("count", str(ballots(tmp_path)), "-m", "irv", "--rules", str(rules),
                           "-f", "json")
    assert code == 0 and json.loads(out)["winners"] == ["Bob"]


def test_count_bad_rules_name_the_option(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('overvote_rule = "sometimes"\n')
    code, _, err = run_cli("count", str(ballots(tmp_path)), "-m", "irv", "--rules", str(rules))
    assert code == 2 and "rules.toml" in err and "[overvote_rule]" in err


def test_count_bad_toml(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("seed = \n")
    code, _, err = run_cli("count", str(ballots(tmp_path)), "-m", "irv", "--rules", str(rules))
    assert code == 2 and "not valid TOML" in err


def test_count_bad_ballot_file_is_located(tmp_path: Path) -> None:
    path = ballots(tmp_path, '2 1\n1 1 7 0\n0\n"A" "B"\n')
    code, _, err = run_cli("count", str(path), "-m", "irv")
    assert code == 2 and f"{path}:2" in err and "unknown candidate 7" in err


def test_count_needs_a_method_and_known_formats(tmp_path: Path) -> None:
    path = str(ballots(tmp_path))
    assert "--method" in run_cli("count", path)[2]
    assert run_cli("count", path, "-m", "nope")[0] == 2
    assert "unknown output format" in run_cli("count", path, "-m", "irv", "-f", "xml")[2]
    assert "unknown input format" in run_cli("count", path, "-m", "irv", "-i", "xml")[2]
    assert "no such file" in run_cli("count", str(tmp_path / "none.blt"), "-m", "irv")[2]


def test_count_csv_cvr(tmp_path: Path) -> None:
    path = ballots(tmp_path, "rank1,rank2\nA,B\nB,A\nA,undervote\n", "cvr.csv")
    code, out, _ = run_cli("count", str(path), "-m", "irv", "-f", "json")
    assert code == 0 and json.loads(out)["winners"] == ["A"]


def test_count_rctab_config_refuses_overrides(tmp_path: Path) -> None:
    config = ballots(tmp_path, '{"cvrFileSources": [], "rules": {}}', "x_config.json")
    assert "supplies its own" in run_cli("count", str(config), "-m", "irv")[2]


def test_methods_lists_registry_one_line_each() -> None:
    from hustings.counting.registry import all_methods

    code, out, _ = run_cli("methods")
    lines = [line for line in out.splitlines() if line.strip()]
    names = [m.name for m in all_methods()]
    assert code == 0 and [line.split()[0] for line in lines[:len(names)]] == names
    assert len(lines) == len(names) + 1  # and one hint
    assert "overvote_rule" not in out


def test_methods_name_shows_its_options() -> None:
    from hustings.counting.registry import get_method

    code, out, _ = run_cli("methods", "irv")
    assert code == 0 and out.startswith("irv — ")
    for option in get_method("irv").options:
        assert option.name in out
    code, _out, err = run_cli("methods", "nonesuch")
    assert code == 2 and "unknown counting method 'nonesuch'" in err
