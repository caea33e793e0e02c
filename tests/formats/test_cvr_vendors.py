"""Vendor cast vote records (Dominion JSON exports, Hart XML folders, Clear Ballot CSV) on
small hand-made inputs, good and bad; the RCTab fixtures are in tests/realdata and tests/cli."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hustings.counting.profile import EMPTY, OVERVOTE, WRITE_IN
from hustings.formats.cvr_clearballot import read_clear_ballot
from hustings.formats.cvr_dominion import read_dominion
from hustings.formats.cvr_hart import read_hart
from tests.formats.test_cvr_readers import ballots, error

# --- Dominion --------------------------------------------------------------------------------


def mark(candidate: int, rank: int, ambiguous: bool = False) -> dict[str, Any]:
    return {"CandidateId": candidate, "Rank": rank, "IsAmbiguous": ambiguous, "IsVote": True,
            "MarkDensity": 100, "OutstackConditionIds": []}


def session(record: int, marks: list[dict[str, Any]], *, contest: int = 1, portion: int = 1,
            current: bool = True, modified: list[dict[str, Any]] | None = None,
            cards: bool = True, outstack: tuple[int, ...] = ()) -> dict[str, Any]:
    def body(these: list[dict[str, Any]], is_current: bool) -> dict[str, Any]:
        contests = [{"Id": contest, "OutstackConditionIds": list(outstack), "Marks": these},
                    {"Id": 99, "OutstackConditionIds": [], "Marks": [mark(50, 1)]}]
        out: dict[str, Any] = {"PrecinctPortionId": portion, "BallotTypeId": 1,
                               "IsCurrent": is_current}
        if cards:
            out["Cards"] = [{"Id": 1, "PaperIndex": 0, "Contests": contests}]
        else:
            out["Contests"] = contests
        return out

    entry: dict[str, Any] = {"TabulatorId": 1, "BatchId": 2, "RecordId": record,
                             "Original": body(marks, current)}
    if modified is not None:
        entry["Modified"] = body(modified, True)
    return entry


def export(folder: Path, sessions: list[dict[str, Any]], *, split: int = 0,
           ranks: int = 3) -> Path:
    folder.mkdir(exist_ok=True)
    manifests = {
        "ContestManifest.json": [{"Id": 1, "Description": "Mayor", "VoteFor": 1,
                                  "NumOfRanks": ranks},
                                 {"Id": 99, "Description": "Sheriff", "VoteFor": 1,
                                  "NumOfRanks": 0}],
        "CandidateManifest.json": [
            {"Id": 11, "Description": "Ann", "ContestId": 1, "Type": "Regular"},
            {"Id": 12, "Description": "Bob", "ContestId": 1, "Type": "Regular"},
            {"Id": 13, "Description": "Cy", "ContestId": 1, "Type": "Regular"},
            {"Id": 19, "Description": "Write-in", "ContestId": 1, "Type": "WriteIn"},
            {"Id": 50, "Description": "Dee", "ContestId": 99, "Type": "Regular"}],
        "PrecinctPortionManifest.json": [{"Id": 1, "Description": "North"},
                                         {"Id": 2, "Description": "South"}],
    }
    for name, entries in manifests.items():
        (folder / name).write_text(json.dumps({"Version": "5.10", "List": entries}, indent=2))
    if split:
        for k in range(0, len(sessions), split):
            part = {"Version": "5.10", "Sessions": sessions[k : k + split]}
            (folder / f"CvrExport_{k // split + 1}.json").write_text(json.dumps(part, indent=2))
    else:
        (folder / "CvrExport.json").write_text(
            json.dumps({"Version": "5.10", "ElectionId": "E", "Sessions": sessions}, indent=2))
    return folder


SESSIONS = [
    session(1, [mark(11, 1), mark(12, 2)]),
    session(2, [mark(12, 1), mark(13, 1), mark(11, 2)]),  # overvote at rank 1
    session(3, [mark(13, 2)]),  # rank 1 skipped
    session(4, [mark(19, 1), mark(11, 2, ambiguous=True)], cards=False),  # write-in; ambiguous
    session(5, [mark(11, 1)], current=False, modified=[mark(13, 1), mark(12, 3)]),
    session(6, [mark(11, 1)], current=False),  # not current, never adjudicated: skipped
    session(7, [mark(12, 1)], outstack=(7,)),  # RCTab's excluded outstack condition
    session(8, [], portion=2),  # an undervote
]


def test_dominion_export_reads_rankings_overvotes_and_adjudication(tmp_path: Path) -> None:
    read = read_dominion(export(tmp_path / "x", SESSIONS), "1")
    assert read.title == "Mayor"
    assert read.profile.candidates == ("Ann", "Bob", "Cy")
    assert ballots(read.profile) == {
        ("Ann", "Bob"): 1,
        (frozenset({"Bob", "Cy"}), "Ann"): 1,
        (EMPTY, "Cy"): 1,
        (WRITE_IN,): 1,
        ("Cy", EMPTY, "Bob"): 1,
        (): 1,
    }


def test_dominion_split_export_reads_every_file(tmp_path: Path) -> None:
    whole = read_dominion(export(tmp_path / "one", SESSIONS), "Mayor")
    split = read_dominion(export(tmp_path / "many", SESSIONS, split=3), "Mayor")
    assert ballots(split.profile) == ballots(whole.profile)
    assert split.profile.total == 6


def test_dominion_by_id_names_marked_candidates_by_their_ids(tmp_path: Path) -> None:
    read = read_dominion(export(tmp_path / "x", SESSIONS[:2]), "1", by_id=True,
                         write_in_id="19")
    assert read.profile.candidates == ("11", "12", "13")


def test_dominion_needs_the_contest_when_there_are_several(tmp_path: Path) -> None:
    message = error(read_dominion, export(tmp_path / "x", SESSIONS))
    assert "ContestManifest.json" in message and "2 contests" in message


def test_dominion_rank_beyond_the_contest_is_refused_with_its_session(tmp_path: Path) -> None:
    folder = export(tmp_path / "x", [session(1, [mark(11, 1)]), session(2, [mark(11, 4)])])
    message = error(read_dominion, folder, "1")
    assert "CvrExport.json:" in message and "Sessions[1]" in message and "Rank" in message
    assert "rank 4" in message


def test_dominion_unknown_candidate_and_precinct_portion_are_refused(tmp_path: Path) -> None:
    stray = export(tmp_path / "a", [session(1, [mark(50, 1)])])
    assert "candidate 50 is not a candidate of contest 1" in error(read_dominion, stray, "1")
    portion = export(tmp_path / "b", [session(1, [mark(11, 1)]), session(2, [], portion=7)])
    message = error(read_dominion, portion, "1")
    assert "precinct portion 7" in message and "Sessions[1].Original.PrecinctPortionId" in message


def test_dominion_broken_json_names_file_and_line(tmp_path: Path) -> None:
    folder = export(tmp_path / "x", SESSIONS)
    text = (folder / "CvrExport.json").read_text()
    (folder / "CvrExport.json").write_text(text[: len(text) // 2])
    message = error(read_dominion, folder, "1")
    assert "CvrExport.json:" in message and "truncated" in message
    (folder / "CvrExport.json").write_text(text.replace('"Rank": 2', '"Rank": "two"', 1))
    message = error(read_dominion, folder, "1")
    assert "wrong type" in message and "Sessions[0]" in message
    line = text.count("\n", 0, text.index('"TabulatorId"')) + 1  # the first session's line
    assert f"CvrExport.json:{line - 1}" in message or f"CvrExport.json:{line}" in message
    (folder / "CvrExport.json").write_text(text.replace('"Rank": 2', '"Rank": 2,,', 1))
    assert "not JSON" in error(read_dominion, folder, "1")
    (folder / "CvrExport.json").write_text('{"Version": "5", "Other": []}')
    assert "no 'Sessions' list" in error(read_dominion, folder, "1")


def test_dominion_missing_manifest_is_named(tmp_path: Path) -> None:
    folder = export(tmp_path / "x", SESSIONS)
    (folder / "CandidateManifest.json").unlink()
    assert "CandidateManifest.json" in error(read_dominion, folder, "1")


# --- Hart --------------------------------------------------------------------------------------

HART = ('<?xml version="1.0" encoding="utf-8"?><Cvr xmlns="http://tempuri.org/CVRDesign.xsd">'
        "<Contests>{contests}</Contests><BatchNumber>1</BatchNumber><CvrGuid>{guid}</CvrGuid>"
        "</Cvr>")


def hart_contest(ident: str, options: list[tuple[str, str, str]]) -> str:
    body = "".join(f"<Option><Name>{n}</Name><Id>{i}</Id><Value>{v}</Value></Option>"
                   for n, i, v in options)
    return f"<Contest><Name>Board {ident}</Name><Id>{ident}</Id><Options>{body}</Options></Contest>"


def hart_folder(folder: Path, sheets: list[list[tuple[str, str, str]] | None]) -> Path:
    folder.mkdir()
    for k, options in enumerate(sheets):
        contests = hart_contest("c2", [("Zed", "z", "1")])
        if options is not None:
            contests += hart_contest("c1", options)
        (folder / f"{k}.xml").write_text(HART.format(contests=contests, guid=k))
    (folder / "0.xml.sig.xml").write_text("<Signature/>")  # signatures are not CVRs
    return folder


def test_hart_reads_rank_strings_overvotes_duplicates_and_write_ins(tmp_path: Path) -> None:
    folder = hart_folder(tmp_path / "h", [
        [("Ann", "a", "100"), ("Bob", "b", "010")],
        [("Ann", "a", "100"), ("Bob", "b", "100")],  # two candidates at rank 1: an overvote
        [("Bob", "b", "101")],  # one candidate at ranks 1 and 3: a duplicate
        [("", "w", "010")],  # the write-in id, rank 2
        [],  # an undervote
        None,  # a sheet without the contest: not a ballot of it
    ])
    read = read_hart(folder, "c1", write_in_id="w", by_id=False)
    assert read.profile.candidates == ("Ann", "Bob")
    assert read.profile.total == 5
    assert ballots(read.profile) == {
        ("Ann", "Bob"): 1, (frozenset({"Ann", "Bob"}),): 1, ("Bob", EMPTY, "Bob"): 1,
        (EMPTY, WRITE_IN): 1, (): 1,
    }
    assert read_hart(folder, "c1", write_in_id="w").profile.candidates == ("a", "b")


def test_hart_bad_value_and_bad_xml_name_the_file(tmp_path: Path) -> None:
    folder = hart_folder(tmp_path / "h", [[("Ann", "a", "1x0")]])
    message = error(read_hart, folder, "c1")
    assert "0.xml" in message and "Option[0].Value" in message
    (folder / "0.xml").write_text("<Cvr><Contests>")
    assert "not XML" in error(read_hart, folder, "c1")
    folder2 = hart_folder(tmp_path / "h2", [[("Ann", "a", "0001")]])
    assert "rank 4" in error(read_hart, folder2, "c1", max_rankings=3)


# --- Clear Ballot ------------------------------------------------------------------------------

FIXED = ("RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,"
         "ScanComputerName,Status,Remade")


def clear_ballot(tmp_path: Path, rows: list[str], contest: str = '"Auditor, City"') -> Path:
    choices = []
    for rank in (1, 2, 3):
        for k, name in enumerate(("Ann", "Bob", "UWI")):
            choices.append(f'"Choice_{k}_1:{contest.strip(chr(34))}:{rank}:Vote For 1:'
                           f'{name}:NON"')
    choices.append('"Choice_9_1:Sheriff:1:Vote For 1:Dee:NON"')
    path = tmp_path / "cb.csv"
    lines = [FIXED + "," + ",".join(choices)]
    lines += [f'{i},B,{i},"B+{i}",1,1,P,S,0,0,' + r for i, r in enumerate(rows, start=1)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_clear_ballot_reads_choice_columns(tmp_path: Path) -> None:
    path = clear_ballot(tmp_path, [
        "1,0,0, 0,1,0, 0,0,0, 1",
        "1,1,0, 0,0,0, 1,0,0, 0",  # overvote at rank 1, Ann at 3
        "0,0,0, 0,0,1, 0,0,0, 0",  # rank 1 skipped, write-in at 2
        "0,0,0, 0,0,0, 0,0,0, 1",  # nothing in this contest
    ])
    read = read_clear_ballot(path, "Auditor, City", write_in_label="UWI")
    assert read.profile.candidates == ("Ann", "Bob")
    assert ballots(read.profile) == {
        ("Ann", "Bob"): 1, (frozenset({"Ann", "Bob"}), EMPTY, "Ann"): 1,
        (EMPTY, WRITE_IN): 1, (): 1,
    }
    limited = read_clear_ballot(path, "Auditor, City", write_in_label="UWI", max_rankings=1)
    assert ballots(limited.profile) == {("Ann",): 1, (frozenset({"Ann", "Bob"}),): 1, (): 2}


def test_clear_ballot_overvote_with_a_write_in_is_a_plain_overvote(tmp_path: Path) -> None:
    path = clear_ballot(tmp_path, ["1,0,1, 0,0,0, 0,0,0, 0"])
    read = read_clear_ballot(path, "Auditor, City", write_in_label="UWI")
    assert ballots(read.profile) == {(OVERVOTE,): 1}


def test_clear_ballot_errors_name_line_and_column(tmp_path: Path) -> None:
    path = clear_ballot(tmp_path, ["1,0,0, 0,1,0, 0,0,0, 0", "1,0,0, 0,2,0, 0,0,0, 0"])
    message = error(read_clear_ballot, path, "Auditor, City")
    assert "cb.csv:3" in message and "Choice_1_1:Auditor, City:2" in message
    short = clear_ballot(tmp_path, ["1,0,0"])
    assert "cb.csv:2" in error(read_clear_ballot, short, "Auditor, City")
    assert "2 contests" in error(read_clear_ballot, short)
    assert "no contest 'Mayor'" in error(read_clear_ballot, short, "Mayor")


@pytest.mark.parametrize("header", [
    FIXED + ",Choice_1_1:Mayor:x:Vote For 1:Ann:NON",
    FIXED + ",Choice_1_1:Mayor:1:Ann",
    "RowNumber,BoxID," + ",Choice_1_1:Mayor:1:Vote For 1:Ann:NON",
])
def test_clear_ballot_bad_headers_are_refused_on_line_1(tmp_path: Path, header: str) -> None:
    path = tmp_path / "cb.csv"
    path.write_text(header + "\n")
    assert "cb.csv:1" in error(read_clear_ballot, path)


@pytest.mark.parametrize("block", [64, 200, 1000])
def test_dominion_reads_the_same_in_small_blocks(tmp_path: Path, block: int) -> None:
    folder = export(tmp_path / "x", SESSIONS * 5)
    whole = read_dominion(folder, "1")
    assert ballots(read_dominion(folder, "1", block=block).profile) == ballots(whole.profile)
    assert whole.profile.total == 30
    late = export(tmp_path / "late", [*SESSIONS * 3, session(99, [mark(11, 9)])])
    message = error(read_dominion, late, "1", block=block)
    assert "Sessions[24]" in message and "rank 9" in message


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_clear_ballot_compact_rows_read_the_same(tmp_path: Path, newline: str) -> None:
    """ClearVote's own layout (one character a cell) is read straight from the bytes; a
    spaced-out file goes through the CSV reader: the same ballots either way."""
    rows = ["1,0,0, 0,1,0, 0,0,0, 1", "1,1,0, 0,0,0, 1,0,0, 0", "0,0,0, 0,0,1, 0,0,0, 0",
            "0,1,0, 0,0,0, 0,0,0, 0"]
    spaced = read_clear_ballot(clear_ballot(tmp_path, rows), "Auditor, City",
                               write_in_label="UWI")
    compact_path = tmp_path / "compact.csv"
    text = clear_ballot(tmp_path, [r.replace(" ", "") for r in rows]).read_text()
    compact_path.write_bytes(text.replace("\n", newline).encode())
    compact = read_clear_ballot(compact_path, "Auditor, City", write_in_label="UWI")
    assert ballots(compact.profile) == ballots(spaced.profile)
    assert compact.profile.total == 4
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("0,1,0,0,0,0,0,0,0,0\n", "0,1,0,0,2,0,0,0,0,0\n"))
    message = error(read_clear_ballot, bad, "Auditor, City")
    assert "bad.csv:5" in message and "Choice_1_1:Auditor, City:2" in message
