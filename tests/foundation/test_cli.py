"""The `hustings` command line: the demo, the JSON contract, and errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import run_cli
from tests.conftest import DEMO_DIR
from tests.elections.builders import toml

run = run_cli


@pytest.fixture
def demo_db(database_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(capsys, "--db", database_url, "demo")
    assert code == 0, err
    assert "labor-2002" in out and "Amram Mitzna" in out
    # the 2001 story, version by version: September's winner, then the reversal
    assert ("version 3: certified on 2001-09-04: Avraham Burg elected — Avraham Burg ahead by "
            "1,088") in out
    assert ("version 6: certified on 2001-12-26: Binyamin Ben-Eliezer elected — Binyamin "
            "Ben-Eliezer ahead by 2,543") in out
    return database_url


def result(capsys: pytest.CaptureFixture[str], db: str, slug: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--db", db, "results", slug, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_demo_reproduces_the_published_figures(demo_db: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    r2002 = result(capsys, demo_db, "labor-2002")
    assert r2002.pop("version") == 2 and r2002.pop("created_at")
    assert len(r2002.pop("sha256")) == 64  # the stored version's fingerprint
    assert r2002.pop("reason") == "certified on 2002-11-19: Amram Mitzna elected"
    # the counting engine's own account, added to the published keys
    assert (r2002.pop("method"), r2002.pop("seats"), r2002.pop("returns"),
            r2002.pop("winners"), r2002.pop("ties")) == ("plurality", 1, "sheets",
                                                         ["Amram Mitzna"], [])
    rounds = r2002.pop("rounds")
    assert [(r["round"], r["tallies"], r["elected"]) for r in rounds] == [
        (1, {"Amram Mitzna": "35945", "Binyamin Ben-Eliezer": "25445", "Haim Ramon": "4830"},
         ["Amram Mitzna"])]
    assert r2002 == {
        "election": "labor-2002", "status": "certified", "registered": 112640,
        "ballots_cast": 67020, "valid": 66220, "blank": 412, "invalid": 388, "turnout": "59.5",
        "percentage_base": "valid", "precincts": {"reporting": 12, "total": 12},
        "candidates": [
            {"name": "Amram Mitzna", "votes": 35945, "percentage": "54.28"},
            {"name": "Binyamin Ben-Eliezer", "votes": 25445, "percentage": "38.42"},
            {"name": "Haim Ramon", "votes": 4830, "percentage": "7.29"},
        ],
        "winner": "Amram Mitzna", "margin": 10500,
    }
    r2003 = result(capsys, demo_db, "labor-2003")
    assert [(c["name"], c["votes"], c["percentage"]) for c in r2003["candidates"]] == [
        ("Shimon Peres", 631, "49.65"), ("Efraim Sneh", 359, "28.25"),
        ("Danny Atar", 281, "22.11")]
    assert r2003["turnout"] == "52.0" and r2003["registered"] == 2471
    r2001 = result(capsys, demo_db, "labor-2001")
    assert r2001["winner"] == "Binyamin Ben-Eliezer"
    assert [(c["name"], c["votes"]) for c in r2001["candidates"]] == [
        ("Binyamin Ben-Eliezer", 32910), ("Avraham Burg", 30367)]
    code, out, _ = run(capsys, "--db", demo_db, "results", "versions", "labor-2001",
                       "--format", "json")
    reasons = [v["reason"] for v in json.loads(out)]
    assert reasons[2] == "certified on 2001-09-04: Avraham Burg elected"
    assert reasons[3].startswith("ruling on dispute 1 applied: void-and-revote in NZR")
    assert reasons[-1] == "certified on 2001-12-26: Binyamin Ben-Eliezer elected"
    code, out, _ = run(capsys, "--db", demo_db, "results", "labor-2001", "--version", "3",
                       "--format", "json")
    september = json.loads(out)
    assert september["winner"] == "Avraham Burg" and september["margin"] == 1088
    assert september["status"] == "certified" and september["version"] == 3


def test_results_as_csv_and_table(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", demo_db, "results", "labor-2003", "--format", "csv")
    assert code == 0
    assert out.splitlines()[:2] == ["election,line,votes,percentage_of_valid",
                                    "labor-2003,Shimon Peres,631,49.65"]
    code, out, _ = run(capsys, "--db", demo_db, "results", "labor-2003")
    assert "49.65" in out and "turnout 52.0%" in out and "reporting 1 of 1" in out
    assert "certified" in out


def test_user_mistakes_are_messages_not_tracebacks(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    code, _, err = run(capsys, "--db", db, "results", "nope")
    assert code == 3 and "no election 'nope'" in err and "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[election]\nslug='x'\n")
    code, _, err = run(capsys, "--db", db, "election", "create", str(bad))
    assert code == 2 and f"{bad} [organisation]: missing table" in err
    code, _, err = run(capsys, "--db", db, "election", "create", str(tmp_path / "missing.toml"))
    assert code == 2 and "No such file" in err
    code, _, err = run(capsys, "--db", db, "results", "x", "--format", "yaml")
    assert code == 2 and "yaml" in err


def test_tally_enter_by_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert run(capsys, "--db", db, "election", "create", str(DEMO_DIR / "labor-2003.toml"))[0] == 0
    assert run(capsys, "--db", db, "members", "import", "central-committee",
               str(DEMO_DIR / "central-committee.csv"))[0] == 0
    assert run(capsys, "--db", db, "roll", "freeze", "labor-2003")[0] == 0
    assert run(capsys, "--db", db, "election", "advance", "labor-2003", "nominations")[0] == 0
    assert run(capsys, "--db", db, "election", "advance", "labor-2003", "voting")[0] == 0
    code, _, err = run(capsys, "--db", db, "tally", "enter", "labor-2003", "--precinct", "CC",
                       "--registered", "2471", "--ballots-cast", "10", "--votes", "peres=5",
                       "--votes", "sneh=2", "--votes", "atar=1", "--blank", "1", "--invalid", "1")
    assert code == 0, err
    code, _, err = run(capsys, "--db", db, "tally", "enter", "labor-2003", "--precinct", "CC",
                       "--registered", "2471", "--ballots-cast", "10", "--votes", "peres=five",
                       "--blank", "1", "--invalid", "1")
    assert code == 2 and "'peres=five' is not CANDIDATE=N" in err


def test_console_script_help_has_examples() -> None:
    exe = Path(sys.executable).with_name("hustings")
    out = subprocess.run([str(exe), "tally", "import", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert "Example: hustings tally import" in " ".join(out.split())


def test_versions_disputes_and_withdrawals_on_the_command_line(
        demo_db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--db", demo_db, "results", "versions", "labor-2001")
    assert code == 0, err
    assert "┃ version" in out and "Binyamin" in out and "Avraham Burg" in out  # a table
    code, out, err = run(capsys, "--db", demo_db, "dispute", "list", "labor-2001")
    assert code == 0, err
    assert "NZR" in out and "pending" not in out  # the 2001 dispute, ruled
    code, _, err = run(capsys, "--db", demo_db, "election", "withdraw", "labor-2002", "ramon")
    assert code == 5, err  # certified long ago: too late to withdraw
    definition = tmp_path / "draft.toml"
    definition.write_text(toml("draft-2030", "plurality", (("ann", "Ann"), ("bob", "Bob")),
                               [("N", "North")], day="2030-03-01"))
    code, _, err = run(capsys, "--db", demo_db, "election", "create", str(definition))
    assert code == 0, err
    code, out, err = run(capsys, "--db", demo_db, "election", "withdraw", "draft-2030", "bob")
    assert code == 0 and "bob withdrawn from draft-2030" in out, err
