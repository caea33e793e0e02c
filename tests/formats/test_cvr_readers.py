"""Ballot readers on small hand-written inputs, good and bad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hustings.counting.profile import EMPTY, OVERVOTE, WRITE_IN, Profile
from hustings.domain.errors import InvalidInput
from hustings.formats.cvr_abif import parse_abif
from hustings.formats.cvr_blt import parse_blt
from hustings.formats.cvr_csv import parse_csv_cvr, read_csv_cvr
from hustings.formats.cvr_nist import parse_nist_cvr
from hustings.formats.cvr_preflib import parse_preflib


def ballots(profile: Profile) -> dict[tuple[object, ...], int]:
    """Each unique ranking (names, markers, overvote sets as frozensets) with its count."""
    out: dict[tuple[object, ...], int] = {}
    for row, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
        cells: list[object] = []
        for code in row:
            if code >= 0:
                cells.append(profile.candidates[code])
            elif code <= -10:
                cells.append(frozenset(profile.candidates[c]
                                       for c in profile.overvote_sets[-10 - code]))
            else:
                cells.append(code)
        while cells and cells[-1] == EMPTY:
            cells.pop()
        out[tuple(cells)] = out.get(tuple(cells), 0) + count
    return out


def error(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    return str(caught.value)


# --- CSV ------------------------------------------------------------------------------------

CSV = """Precinct,rank1,rank2,rank3,weight
P1,Ann,Bob,undervote,1
P1,Bob,overvote,Ann,2
P2, Ann ,UWI,,1
P2,undervote,undervote,undervote,3
"""


def test_csv_reads_names_tokens_and_weights() -> None:
    profile = parse_csv_cvr(CSV).profile
    assert profile.candidates == ("Ann", "Bob")
    assert ballots(profile) == {
        ("Ann", "Bob"): 1,
        ("Bob", OVERVOTE, "Ann"): 2,
        ("Ann", WRITE_IN): 1,
        (): 3,
    }
    assert profile.total == 7


def test_csv_from_a_file_matches_text(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text(CSV)
    assert ballots(read_csv_cvr(path).profile) == ballots(parse_csv_cvr(CSV).profile)


def test_csv_progress_streams_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text(CSV)
    seen: list[tuple[int, int]] = []
    profile = read_csv_cvr(path, progress=lambda done, total: seen.append((done, total))).profile
    assert profile.total == 7 and seen[-1][0] == seen[-1][1] == path.stat().st_size


def test_csv_with_known_candidates_rejects_others() -> None:
    message = error(parse_csv_cvr, CSV, source="cvr.csv", candidates=["Ann"])
    assert "cvr.csv:3 [rank1]: unknown candidate 'Bob'" in message


def test_csv_without_rank_columns() -> None:
    assert "no rank columns" in error(parse_csv_cvr, "a,b\n1,2\n", source="x.csv")


def test_csv_rank_columns_with_a_gap() -> None:
    message = error(parse_csv_cvr, "rank1,rank3\nA,B\n", source="x.csv")
    assert "x.csv:1 [rank3]" in message


def test_csv_ragged_row_is_located() -> None:
    message = error(parse_csv_cvr, "rank1,rank2\nA,B\nA\n", source="x.csv")
    assert "x.csv:3" in message and "expected 2 columns" in message


def test_csv_non_numeric_weight() -> None:
    message = error(parse_csv_cvr, "rank1,weight\nA,1\nB,two\n", source="x.csv")
    assert "x.csv:3 [weight]: weight must be a whole number, not 'two'" in message


def test_csv_empty_file() -> None:
    assert "empty file" in error(parse_csv_cvr, "", source="x.csv")


def test_csv_large_input_is_vectorised_and_exact() -> None:
    rng = np.random.default_rng(1)
    names = ["A", "B", "C", "D"]
    rows = rng.integers(-1, 4, size=(20_000, 3))
    lines = ["rank1,rank2,rank3"] + [
        ",".join(names[c] if c >= 0 else "" for c in row) for row in rows.tolist()
    ]
    profile = parse_csv_cvr("\n".join(lines) + "\n").profile
    expected: dict[tuple[object, ...], int] = {}
    for row in rows.tolist():
        cells = [names[c] if c >= 0 else EMPTY for c in row]
        while cells and cells[-1] == EMPTY:
            cells.pop()
        expected[tuple(cells)] = expected.get(tuple(cells), 0) + 1
    assert ballots(profile) == expected


# --- BLT ------------------------------------------------------------------------------------

BLT = """4 2
-2
3 1 2 3 0
2 4 1 0
1 4=3 1 0
0
"Ann" "Bob"
"Cy"
"Di"
"A title"
"""


def test_blt_weights_names_title_withdrawn_and_ties() -> None:
    read = parse_blt(BLT)
    assert read.seats == 2 and read.title == "A title" and read.withdrawn == ("Bob",)
    assert read.profile.candidates == ("Ann", "Cy", "Di")
    assert ballots(read.profile) == {
        ("Ann", "Cy"): 3,
        ("Di", "Ann"): 2,
        (frozenset({"Cy", "Di"}), "Ann"): 1,
    }


def test_blt_withdrawn_on_the_first_line() -> None:
    assert parse_blt("3 1 -1\n1 1 2 0\n0\n\"A\" \"B\" \"C\"\n").withdrawn == ("A",)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("x 2\n", ":1", "first line must be"),
        ("3 1\n1 1 2 0\n", ":2", "missing the '0' line"),
        ("3 1\n1 1 5 0\n0\n\"a\" \"b\" \"c\"\n", ":2", "unknown candidate 5"),
        ("3 1\nx 1 0\n0\n\"a\" \"b\" \"c\"\n", ":2", "weight must be a whole number"),
        ("3 1\n1 1 2 0 3\n0\n", ":2", "must end with 0"),
        ("2 1\n1 1 2 1 0\n0\n\"a\" \"b\"\n", ":2", "more than the 2 candidates"),
        ("3 1\n1 1 0\n0\n\"a\"\n", ":4", "expected 3 candidate names"),
        ("3 1\n1 1 0\n0\n\"a\" \"b\n", ":4", "unbalanced quotes"),
    ],
)
def test_blt_bad_input(text: str, where: str, message: str) -> None:
    got = error(parse_blt, text, source="e.blt")
    assert f"e.blt{where}" in got and message in got


# --- PrefLib --------------------------------------------------------------------------------

PREFLIB = """# TITLE: Small
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
4: 1,2,3
2: {1,3},2
1: 3
"""


def test_preflib_counts_and_ties() -> None:
    read = parse_preflib(PREFLIB)
    assert read.title == "Small"
    assert ballots(read.profile) == {
        ("Ann", "Bob", "Cy"): 4,
        (frozenset({"Ann", "Cy"}), "Bob"): 2,
        ("Cy",): 1,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1: 1,2\n", "before the '# NUMBER ALTERNATIVES' header"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,3\n", "unknown alternative 3"),
        ("# NUMBER ALTERNATIVES: 2\nx: 1,2\n", "count must be a whole number, not 'x'"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,2,1\n", "3 ranks on a ballot"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,{2\n", "malformed ranking"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,b\n", "expected an alternative number"),
    ],
)
def test_preflib_bad_input(text: str, message: str) -> None:
    got = error(parse_preflib, text, source="p.soi")
    assert "p.soi:" in got and message in got


# --- ABIF -----------------------------------------------------------------------------------

ABIF = """{title: "Tiny"}
# a comment
=Ann:[Ann Smith]
=Bob:[Bob Jones]
=Cy:[Cy Young]
5:Ann>Bob>Cy
3:Bob=Cy>Ann  # tie
2:Cy/Ann
1:
"""


def test_abif_names_ties_approval_and_blank() -> None:
    read = parse_abif(ABIF)
    assert read.title == "Tiny"
    assert read.profile.candidates == ("Ann Smith", "Bob Jones", "Cy Young")
    assert ballots(read.profile) == {
        ("Ann Smith", "Bob Jones", "Cy Young"): 5,
        (frozenset({"Bob Jones", "Cy Young"}), "Ann Smith"): 3,
        (frozenset({"Cy Young", "Ann Smith"}),): 2,
        (): 1,
    }


def test_abif_without_declarations_uses_tokens() -> None:
    assert parse_abif("2:A>[B C]\n").profile.candidates == ("A", "B C")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("=A:[x]\n3:A>Z\n", "unknown candidate 'Z'"),
        ("x:A\n", "malformed ballot line"),
        ("3:A>[B\n", "unbalanced square brackets"),
        ("2:A/5\n", "ratings are not supported"),
        ("{title\n", "malformed metadata line"),
        ("=A\n", "malformed candidate line"),
        ("=A:[a]\n1:A>A>A\n", "3 ranks on a ballot"),
    ],
)
def test_abif_bad_input(text: str, message: str) -> None:
    got = error(parse_abif, text, source="b.abif")
    assert "b.abif" in got and message in got


# --- NIST SP 1500-103 -----------------------------------------------------------------------


def _cdf(marks: list[list[tuple[str, int]]]) -> str:
    import json

    cvrs = [
        {"CurrentSnapshotId": f"s{i}", "CVRSnapshot": [{"@id": f"s{i}", "CVRContest": [{
            "ContestId": "c1",
            "CVRContestSelection": [
                {"ContestSelectionId": sel, "SelectionPosition": [{"Rank": rank,
                                                                  "HasIndication": "yes"}]}
                for sel, rank in ballot
            ]}]}]}
        for i, ballot in enumerate(marks)
    ]
    election = {"Candidate": [{"@id": "ca", "Name": "Ann"}, {"@id": "cb", "Name": "Bob"}],
                "Contest": [{"@id": "c1", "Name": "Mayor", "ContestSelection": [
                    {"@id": "sa", "CandidateIds": ["ca"]},
                    {"@id": "sb", "CandidateIds": ["cb"]},
                    {"@id": "sw", "IsWriteIn": True},
                ]}]}
    return json.dumps({"CVR": cvrs, "Election": [election]})


def test_nist_cvr_ranks_overvotes_and_write_ins() -> None:
    read = parse_nist_cvr(_cdf([
        [("sa", 1), ("sb", 2)],
        [("sa", 1), ("sb", 1)],
        [("sw", 1), ("sb", 3)],
    ]))
    assert read.title == "Mayor"
    assert ballots(read.profile) == {
        ("Ann", "Bob"): 1,
        (frozenset({"Ann", "Bob"}),): 1,
        (WRITE_IN, EMPTY, "Bob"): 1,
    }


def test_nist_cvr_bad_input() -> None:
    assert "not JSON" in error(parse_nist_cvr, "{", source="n.json")
    assert "no 'CVR' list" in error(parse_nist_cvr, "{}", source="n.json")
    assert "unknown contest selection 'zz'" in error(parse_nist_cvr, _cdf([[("zz", 1)]]))
    assert "rank must be a whole number" in error(parse_nist_cvr, _cdf([[("sa", 0)]]))
    assert "no contest 'Dog catcher'" in error(parse_nist_cvr, _cdf([]), contest="Dog catcher")
    assert "unknown candidate 'Ann'" in error(parse_nist_cvr, _cdf([]), candidates=["Bob"])
