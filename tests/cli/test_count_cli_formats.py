"""`hustings count` (the real entry point) on every format, bad files, and rules kept true.

Also `hustings --help`: answered from cli/entry.py's table without importing the commands; the
table must say what the full app says.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hustings.cli.entry import COMMANDS
from tests.cli.test_count_cli import run_cli

# one election in five formats: A 4, B>A 3, C 5, an overvote {B,C} 3
BLT = '3 1\n4 1 0\n3 2 1 0\n5 3 0\n3 2=3 0\n0\n"A" "B" "C"\n"Chair"\n'
PREFLIB = ("# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n"
           "# ALTERNATIVE NAME 3: C\n4: 1\n3: 2,1\n5: 3\n3: {2,3}\n")
ABIF = "=A:[A]\n=B:[B]\n=C:[C]\n4:A\n3:B>A\n5:C\n3:B=C\n"


def nist() -> str:
    def entry(*marks: tuple[str, int]) -> dict[str, object]:
        return {"CVRSnapshot": [{"@id": "s", "CVRContest": [{"ContestId": "k",
                "CVRContestSelection": [{"ContestSelectionId": sid, "SelectionPosition": [
                    {"Rank": rank}]} for sid, rank in marks]}]}]}

    cvrs = ([entry(("a", 1))] * 4 + [entry(("b", 1), ("a", 2))] * 3 + [entry(("c", 1))] * 5
            + [entry(("b", 1), ("c", 1))] * 3)
    return json.dumps({
        "Election": [{"Candidate": [{"@id": x.lower(), "Name": x} for x in "ABC"],
                      "Contest": [{"@id": "k", "Name": "Chair", "ContestSelection": [
                          {"@id": x, "CandidateIds": [x]} for x in "abc"]}]}],
        "CVR": cvrs}, indent=2)


FILES = {"e.blt": BLT, "e.soi": PREFLIB, "e.abif": ABIF, "e.json": None}


def write(tmp_path: Path, name: str, text: str | None = None) -> Path:
    path = tmp_path / name
    path.write_text(text if text is not None else (FILES[name] or nist()))
    return path


def rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_format_counts_the_same(tmp_path: Path, name: str) -> None:
    code, out, err = run_cli("count", str(write(tmp_path, name)), "-m", "irv", "-s", "1",
                             "-f", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["winners"] == ["A"]
    assert result["rounds"][0]["tallies"] == {"A": "4", "B": "3", "C": "5"}
    assert result["rounds"][0]["exhausted"] == "3"


@pytest.mark.parametrize("name", ["e.blt", "e.json"])
def test_suspend_if_multiple_is_the_other_reading(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name)
    once = rules(tmp_path, 'overvote_rule = "exhaust-if-multiple"\n')
    code, out, err = run_cli("count", str(path), "-m", "irv", "-s", "1", "-r", str(once),
                             "-f", "json")
    assert code == 0, err
    assert json.loads(out)["winners"] == ["A"]  # the {B,C} ballots stay exhausted (RCTab)
    wait = rules(tmp_path, 'overvote_rule = "suspend-if-multiple"\n')
    code, out, err = run_cli("count", str(path), "-m", "irv", "-s", "1", "-r", str(wait),
                             "-f", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["winners"] == ["C"]  # once B is out, the {B,C} ballots count for C
    assert result["rounds"][-1]["tallies"] == {"A": "7", "C": "8"}


def test_suspend_is_refused_for_stv(tmp_path: Path) -> None:
    wait = rules(tmp_path, 'overvote_rule = "suspend-if-multiple"\n')
    code, _, err = run_cli("count", str(write(tmp_path, "e.blt")), "-m", "stv", "-r",
                           str(wait))
    assert code == 2 and "IRV only" in err and str(wait) in err


@pytest.mark.parametrize("method", ["irv", "stv", "plurality", "borda", "schulze",
                                    "copeland", "minimax", "ranked-pairs", "two-round"])
def test_no_ballots_no_winner(tmp_path: Path, method: str) -> None:
    for text in ('3 1\n0\n"A" "B" "C"\n', '3 1\n5 0\n2 0\n0\n"A" "B" "C"\n'):
        path = write(tmp_path, "empty.blt", text)
        code, out, err = run_cli("count", str(path), "-m", method, "-f", "json")
        assert code == 0, err
        result = json.loads(out)
        assert result["winners"] == [] and result["ties"] == [], method
        assert "no one is elected" in " ".join(result["rounds"][0]["explanation"])
    code, out, _ = run_cli("count", str(path), "-m", method)
    assert "All 7 ballots are blank or exhausted" in out and "lot" in out


def test_json_is_exact(tmp_path: Path) -> None:
    # WIGM: Alice's surplus of 3 over 11 ballots moves in elevenths
    text = ('4 2\n6 1 2 0\n5 1 3 0\n4 2 0\n5 3 0\n3 4 0\n0\n"Alice" "Bob" "Carol" "Dan"\n')
    code, out, err = run_cli("count", str(write(tmp_path, "wigm.blt", text)), "-m", "stv",
                             "-f", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["rounds"][1]["tallies"]["Bob"] == "62/11"  # 4 + 6 x 3/11
    assert result["rounds"][0]["transfers"]["Alice"] == {"Bob": "18/11", "Carol": "15/11"}
    code, out, _ = run_cli("count", str(write(tmp_path, "wigm.blt", text)), "-m", "stv")
    assert "5.6364" in out  # the table shows the rule's display precision


@pytest.mark.parametrize(("name", "text", "where"), [
    ("huge.blt", "99999999999 1\n0\n", ":1:"),
    ("dup.soi", PREFLIB + "2: 2,1\n", ":9:"),
    ("nan.json", '{"CVR": [\n{"CVRSnapshot": [{"@id": NaN}]}\n]}', ":2:"),
    ("deep.abif", "1:" + "[" * 10_000 + "A\n", ":1:"),
    ("dup.csv", "rank1,rank1\nA,B\n", ":1 [rank1]:"),
    ("weight.blt", f"2 1\n{2**63} 1 0\n0\n\"A\" \"B\"\n", ":2 [ballot weight]:"),
])
def test_bad_files_exit_2_with_the_place(tmp_path: Path, name: str, text: str,
                                         where: str) -> None:
    path = write(tmp_path, name, text)
    code, out, err = run_cli("count", str(path), "-m", "irv")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {path}{where}"), err
    assert "Traceback" not in err


def test_help_summary_matches_the_full_app() -> None:
    fast = subprocess.run([sys.executable, "-c", "from hustings.cli.entry import main; main()",
                           "--help"], capture_output=True, text=True, check=True)
    full = subprocess.run([sys.executable, "-c",
                           "from hustings.cli.app import main; main(['--help'])"],
                          capture_output=True, text=True, check=True)
    assert fast.stdout == full.stdout


def test_help_imports_no_command_module() -> None:
    probe = ("import sys\nfrom hustings.cli.entry import main\n"
             "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = [m for m in ('sqlalchemy', 'alembic', 'numpy', 'pyarrow', 'fastapi', "
             "'uvicorn', 'hustings.storage', 'hustings.cli.count') if m in sys.modules]\n"
             "print('HEAVY=' + ','.join(heavy))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "HEAVY="


def test_count_imports_no_database_or_web() -> None:
    probe = ("import sys\nfrom hustings.cli.entry import main\n"
             "try:\n    main(['methods'])\nexcept SystemExit:\n    pass\n"
             "print('HEAVY=' + ','.join(m for m in ('sqlalchemy', 'alembic', 'fastapi', "
             "'uvicorn') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "HEAVY="


def test_every_command_is_routed() -> None:
    import typer.main

    from hustings.cli.app import make_app

    full = typer.main.get_command(make_app())
    assert set(full.commands) == set(COMMANDS)  # type: ignore[attr-defined]


def test_count_lists_the_readers_formats() -> None:
    from hustings.cli import count
    from hustings.formats import detect

    assert count.FORMATS == detect.FORMATS
