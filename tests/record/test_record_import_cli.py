"""`hustings record import|leaders|person` and `results --format article|wikitext`, end to end on
SQLite and PostgreSQL, with `log verify` after the imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hustings.formats import article, wikitext
from tests.cli_runner import run_cli

S2002 = "2002-israeli-labor-party-leadership-election"


run = run_cli


def seeds(seed_files: dict[int, Path]) -> list[str]:
    return [str(seed_files[y]) for y in (2001, 2002, 2003)]


def test_import_the_seeds_then_leaders_json_and_log_verify(
        database_url: str, seed_files: dict[int, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", database_url)
    code, out, err = run(capsys, *db, "record", "import", *seeds(seed_files))
    assert code == 0, err
    assert out.count("imported ") == 3
    code, out, err = run(capsys, *db, "record", "leaders", "--office", "Leader", "--format",
                         "json")
    assert code == 0, err
    assert json.loads(out) == {"office": "Leader", "tenures": [
        {"holder": "Ehud Barak", "kind": "elected", "start": None, "end": "2001-09-04",
         "election": None},
        {"holder": "Avraham Burg", "kind": "elected", "start": "2001-09-04",
         "end": "2001-12-26", "election": "2001-israeli-labor-party-leadership-election"},
        {"holder": "Binyamin Ben-Eliezer", "kind": "elected", "start": "2001-12-26",
         "end": "2002-11-20", "election": "2001-israeli-labor-party-leadership-election"},
        {"holder": "Amram Mitzna", "kind": "elected", "start": "2002-11-20", "end": None,
         "election": S2002},
        {"holder": None, "kind": "vacant", "start": None, "end": "2003-06-19",
         "election": None},
        {"holder": "Shimon Peres", "kind": "interim", "start": "2003-06-19", "end": None,
         "election": "2003-israeli-labor-party-interim-leadership-election"},
    ]}
    code, out, _ = run(capsys, *db, "record", "leaders", "--office", "leader")
    assert code == 0 and "(vacant)" in out and "Shimon Peres" in out
    on = ("record", "leaders", "--office", "Leader", "--format", "json", "--on")
    for day, holder in (("2001-10-01", "Avraham Burg"), ("2001-12-26", "Binyamin Ben-Eliezer"),
                        ("2004-01-01", "Shimon Peres")):
        code, out, err = run(capsys, *db, *on, day)
        assert code == 0, err
        assert [t["holder"] for t in json.loads(out)["tenures"]] == [holder]
    assert run(capsys, *db, *on, "1999-01-01")[0] == 3  # Barak's start is not in the record
    code, _, err = run(capsys, *db, *on, "2001-02-30")
    assert code == 2 and "--on" in err
    code, out, err = run(capsys, *db, "log", "verify")
    assert code == 0, out + err
    assert "matches the database" in out


def test_export_of_an_imported_election_round_trips(
        database_url: str, seed_files: dict[int, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", database_url)
    assert run(capsys, *db, "record", "import", str(seed_files[2002]))[0] == 0
    code, out, err = run(capsys, *db, "results", S2002, "--format", "article")
    assert code == 0, err
    original = article.parse(seed_files[2002].read_text(encoding="utf-8"))
    assert article.parse(out) == original
    exported = tmp_path / "exported.txt"
    exported.write_text(out, encoding="utf-8")
    code, out, err = run(capsys, *db, "record", "import", str(exported))
    assert code == 0, err
    assert out.startswith(f"unchanged {S2002}")  # the same election: idempotent
    code, out, _ = run(capsys, *db, "results", S2002, "--format", "wikitext")
    assert code == 0 and wikitext.parse(out) == original


GOOD = ("= 2010 Union election =\n\nInfobox\n- Title: President\n- Candidate1: Ann\n"
        "- Party1: Union\n- Popular Vote1: 10\n- Election Date: 1 May 2010\n")


@pytest.mark.parametrize(("bad", "line", "what"), [
    (GOOD.replace("Popular Vote1: 10", "Popular Vote1 10"), 7, "broken Infobox line"),
    (GOOD.replace("Popular Vote1: 10", "Popular Vote1: 1O"), 7, "'1O' is not a number"),
    (GOOD + "- Candidate1: Bob\n", 9, "duplicate Infobox key 'Candidate1'"),
])
def test_bad_input_exits_2_with_the_line_and_imports_nothing(
        database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        bad: str, line: int, what: str) -> None:
    good_file, bad_file = tmp_path / "good.txt", tmp_path / "bad.txt"
    good_file.write_text(GOOD, encoding="utf-8")
    bad_file.write_text(bad, encoding="utf-8")
    db = ("--db", database_url)
    code, out, err = run(capsys, *db, "record", "import", str(good_file), str(bad_file))
    assert code == 2
    assert f"error: {bad_file}:{line}" in err and what in err
    assert "Traceback" not in err and out == ""
    code, _, err = run(capsys, *db, "record", "leaders", "--office", "President")
    assert code == 3 and "no office 'President'" in err  # the good file was not imported


def test_person(database_url: str, seed_files: dict[int, Path],
                capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", database_url)
    assert run(capsys, *db, "record", "import", *seeds(seed_files))[0] == 0
    code, out, err = run(capsys, *db, "record", "person", "Amram Mitzna", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {
        "name": "Amram Mitzna", "ran": [S2002], "won": [S2002], "lost": [],
        "tenures": [{"holder": "Amram Mitzna", "kind": "elected", "start": "2002-11-20",
                     "end": None, "election": S2002, "office": "Leader"}]}
    code, out, _ = run(capsys, *db, "record", "person", "avraham burg")
    assert code == 0 and "Avraham Burg" in out and "lost: " in out
    code, _, err = run(capsys, *db, "record", "person", "Nobody Atall")
    assert code == 3 and "no one called 'Nobody Atall'" in err


def test_the_demo_with_the_seeds(database_url: str, seed_files: dict[int, Path],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = ("--db", database_url)
    assert run(capsys, *db, "demo")[0] == 0
    code, out, err = run(capsys, *db, "record", "import", *seeds(seed_files))
    assert code == 0, err
    code, out, _ = run(capsys, *db, "record", "leaders", "--office", "Leader", "-f", "json")
    holders = [(x["holder"], x["election"]) for x in json.loads(out)["tenures"]]
    assert holders == [("Ehud Barak", None), ("Avraham Burg", "labor-2001"),
                       ("Binyamin Ben-Eliezer", "labor-2001"), ("Amram Mitzna", "labor-2002"),
                       (None, None), ("Shimon Peres", "labor-2003"),
                       ("Ehud Barak", "labor-2007")]
    code, out, err = run(capsys, *db, "results", "labor-2002", "--format", "article")
    assert code == 0, err
    exported = article.parse(out)
    assert [(c.name, c.votes) for c in exported.candidates] == [
        ("Amram Mitzna", "35,945"), ("Binyamin Ben-Eliezer", "25,445"), ("Haim Ramon", "4,830")]
    assert exported.turnout == "59.5%" and exported.slug == "labor-2002"
    code, _, err = run(capsys, *db, "results", "labor-2002", "-f", "article", "--version", "1")
    assert code == 2 and "no --version" in err
    code, out, err = run(capsys, *db, "log", "verify")
    assert code == 0, out + err
