"""The issue's bad inputs: each is a clear InvalidInput naming the file, the line and the field.

Absurd declarations are refused before anything is allocated; weights are exact up to 2^53
(the total) and refused beyond, never rounded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hustings.domain.errors import InvalidInput, Problem
from hustings.formats.cvr_abif import parse_abif, read_abif
from hustings.formats.cvr_blt import parse_blt, read_blt
from hustings.formats.cvr_csv import parse_csv_cvr, read_csv_cvr
from hustings.formats.cvr_nist import parse_nist_cvr, read_nist_cvr
from hustings.formats.cvr_preflib import parse_preflib, read_preflib


def problem(call: Callable[..., object], *args: object, **kwargs: object) -> Problem:
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    assert len(caught.value.problems) == 1
    return caught.value.problems[0]


NIST_HEAD = ('{"Election":[{"@id":"e","Candidate":[{"@id":"c1","Name":"Ann"},'
             '{"@id":"c2","Name":"Bob"}],"Contest":[{"@id":"k","Name":"Mayor",'
             '"ContestSelection":[{"@id":"s1","CandidateIds":["c1"]},'
             '{"@id":"s2","CandidateIds":["c2"]}]}]}],\n"CVR":[\n')


def nist_entry(rank: str = "1", selection: str = "s1") -> str:
    return ('{"CurrentSnapshotId":"x","CVRSnapshot":[{"@id":"x","CVRContest":[{"ContestId":"k",'
            f'"CVRContestSelection":[{{"ContestSelectionId":"{selection}","SelectionPosition":'
            f'[{{"Rank":{rank},"HasIndication":"yes"}}]}}]}}]}}]}}')


def nist(*entries: str) -> str:
    return NIST_HEAD + ",\n".join(entries) + "\n]}\n"


# --- 99,999,999,999 alternatives declared in 40 bytes -------------------------------------


def test_blt_declaring_absurdly_many_candidates() -> None:
    text = "99999999999 1\n1 1 0\n0\n"
    assert len(text) <= 40
    found = problem(parse_blt, text, "huge.blt")
    assert (found.source, found.line) == ("huge.blt", 1)
    assert "99,999,999,999 candidates" in found.message


def test_preflib_declaring_absurdly_many_alternatives() -> None:
    text = "# NUMBER ALTERNATIVES: 99999999999\n1: 1\n"
    found = problem(parse_preflib, text, "huge.soi")
    assert (found.source, found.line, found.field) == ("huge.soi", 1, "NUMBER ALTERNATIVES")
    assert "99,999,999,999 alternatives" in found.message


# --- a line with 100,000 rank columns -----------------------------------------------------


def test_csv_header_with_100000_rank_columns() -> None:
    header = ",".join(f"rank{i}" for i in range(1, 100_001))
    found = problem(parse_csv_cvr, header + "\n" + "A," * 99_999 + "A\n", source="wide.csv")
    assert (found.source, found.line, found.field) == ("wide.csv", 1, "rank1001")
    assert "100,000 rank columns" in found.message


def test_blt_line_with_100000_ranks() -> None:
    text = "3 1\n1 " + "1 " * 100_000 + "0\n0\n\"A\" \"B\" \"C\"\n"
    found = problem(parse_blt, text, "wide.blt")
    assert (found.source, found.line) == ("wide.blt", 2)
    assert "100000 rankings on a ballot, more than the 3 candidates" in found.message


def test_abif_line_with_100000_ranks() -> None:
    text = "1:" + ">".join(f"c{i}" for i in range(100_000)) + "\n"
    found = problem(parse_abif, text, "wide.abif")
    assert (found.source, found.line) == ("wide.abif", 1)
    assert "100,000 ranks on a ballot; at most 1,000" in found.message


def test_nist_rank_100000() -> None:
    found = problem(parse_nist_cvr, nist(nist_entry(), nist_entry("100000")), "wide.json")
    assert (found.source, found.line, found.field) == (
        "wide.json", 4, "CVR[1].SelectionPosition.Rank")


# --- weights of 2^53 + 1 and 2^63 ---------------------------------------------------------


@pytest.mark.parametrize("weight", [2**53 + 1, 2**63, 2**64 + 5])
def test_blt_weights_beyond_exact_are_refused(weight: int) -> None:
    found = problem(parse_blt, f"2 1\n{weight} 1 0\n0\n\"A\" \"B\"\n", "w.blt")
    assert (found.source, found.line, found.field) == ("w.blt", 2, "ballot weight")
    assert "2^53" in found.message


def test_blt_weight_of_2_53_is_exact() -> None:
    profile = parse_blt(f"2 1\n{2**53 - 1} 1 0\n1 2 0\n0\n\"A\" \"B\"\n").profile
    assert sorted(profile.counts.tolist()) == [1, 2**53 - 1]
    assert profile.total == 2**53


@pytest.mark.parametrize("weight", [2**53 + 1, 2**63])
def test_preflib_abif_csv_weights_beyond_exact_are_refused(weight: int) -> None:
    pref = problem(parse_preflib, f"# NUMBER ALTERNATIVES: 2\n{weight}: 1,2\n", "w.soi")
    assert (pref.line, pref.field) == (2, "count")
    abif = problem(parse_abif, f"=A:[A]\n=B:[B]\n3:A>B\n{weight}:B>A\n", "w.abif")
    assert (abif.line, abif.field) == (4, "count")
    csv = problem(parse_csv_cvr, f"rank1,weight\nA,1\nB,{weight}\n", source="w.csv")
    assert (csv.line, csv.field) == (3, "weight")


def test_weights_adding_up_beyond_2_53_are_refused() -> None:
    half = 2**52 + 1
    found = problem(parse_blt, f"2 1\n{half} 1 0\n{half} 2 0\n0\n\"A\" \"B\"\n", "sum.blt")
    assert found.line == 3 and "add up to more than 2^53" in found.message


# --- 10,000-deep brackets ------------------------------------------------------------------


def test_nist_nested_10000_deep() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    found = problem(parse_nist_cvr, nist(nist_entry(), '{"X":' + deep + "}"), "deep.json")
    assert (found.source, found.line) == ("deep.json", 4)
    assert "nested more than 64 levels deep" in found.message


def test_nist_skeleton_nested_10000_deep() -> None:
    text = '{"Election":' + "[" * 10_000 + "]" * 10_000 + ',"CVR":[]}'
    found = problem(parse_nist_cvr, text, "deep.json")
    assert found.source == "deep.json" and found.line == 1
    assert "nested more than 64 levels deep" in found.message


def test_abif_and_preflib_with_10000_deep_brackets() -> None:
    found = problem(parse_abif, "1:" + "[" * 10_000 + "A" + "\n", "deep.abif")
    assert (found.source, found.line) == ("deep.abif", 1)
    assert "unbalanced square brackets" in found.message
    balanced = parse_abif("1:" + "[" * 10_000 + "A" + "]" * 10_000 + "\n").profile
    assert balanced.candidates == ("A",)
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 2\n1: " + "{" * 10_000 + "1\n",
                    "deep.soi")
    assert (found.source, found.line) == ("deep.soi", 2)


# --- NaN in a NIST file --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nist_nan_rank(value: str) -> None:
    found = problem(parse_nist_cvr, nist(nist_entry(), nist_entry(), nist_entry(value)),
                    "nan.json")
    assert (found.source, found.line) == ("nan.json", 5)
    assert "not JSON" in found.message


def test_nist_fractional_rank() -> None:
    found = problem(parse_nist_cvr, nist(nist_entry(), nist_entry("1.5")), "frac.json")
    assert (found.source, found.line, found.field) == ("frac.json", 4, "CVR[1]")
    assert "rank must be a whole number" in found.message


# --- a truncated file -----------------------------------------------------------------------


def test_truncated_files() -> None:
    whole = nist(nist_entry(), nist_entry("2", "s2"))
    found = problem(parse_nist_cvr, whole[: len(whole) // 2 + 40], "cut.json")
    assert found.source == "cut.json" and found.field == "CVR" and "truncated" in found.message
    found = problem(parse_blt, "2 1\n1 1 2 0\n1 2", "cut.blt")
    assert (found.source, found.line) == ("cut.blt", 3)
    assert "must end with 0" in found.message
    found = problem(parse_blt, "2 1\n1 1 2 0\n1 2 0\n", "cut.blt")
    assert (found.source, found.line) == ("cut.blt", 3)
    assert "missing the '0' line" in found.message
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 5\n3: 1,2\n",
                    "cut.soi")
    assert (found.line, found.field) == (2, "NUMBER VOTERS") and "cut short" in found.message
    found = problem(parse_csv_cvr, "rank1,rank2\nA,B\nB", source="cut.csv")
    assert (found.source, found.line) == ("cut.csv", 3)


# --- a duplicate header ----------------------------------------------------------------------


def test_duplicate_headers() -> None:
    found = problem(parse_csv_cvr, "rank1,rank2,rank1\nA,B,A\n", source="dup.csv")
    assert (found.line, found.field) == (1, "rank1") and "appears twice" in found.message
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 2\n# NUMBER ALTERNATIVES: 3\n1: 1\n",
                    "dup.soi")
    assert (found.line, found.field) == (2, "NUMBER ALTERNATIVES")
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n"
                    "# ALTERNATIVE NAME 1: B\n1: 1\n", "dup.soi")
    assert (found.line, found.field) == (3, "ALTERNATIVE NAME 1")


def test_preflib_repeated_order_is_refused() -> None:
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 3\n5: 1,2\n2: 3\n4: 1,2\n",
                    "rep.soi")
    assert found.line == 4 and "already on line 2" in found.message
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 3\n5: {1,2},3\n4: {2,1},3\n",
                    "rep.toi")
    assert found.line == 3
    found = problem(parse_preflib, "# NUMBER ALTERNATIVES: 3\n5: 1,3,1\n", "twice.soi")
    assert found.line == 2 and "ranked twice" in found.message


# --- the same through files (the readers `hustings count` uses) -----------------------------


def test_file_readers_name_the_file(tmp_path: Path) -> None:
    cases: list[tuple[Callable[[Path], object], str, str]] = [
        (read_blt, "x.blt", "99999999999 1\n0\n"),
        (read_preflib, "x.soi", "# NUMBER ALTERNATIVES: 99999999999\n"),
        (read_abif, "x.abif", "1:A>" + "[" * 10_000 + "\n"),
        (read_nist_cvr, "x.json", nist(nist_entry("NaN"))),
        (read_csv_cvr, "x.csv", "rank1,rank1\nA,A\n"),
    ]
    for reader, name, text in cases:
        path = tmp_path / name
        path.write_text(text)
        found = problem(reader, path)
        assert found.source == str(path) and found.line is not None, (name, found)


def test_undecodable_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "latin.blt"
    path.write_bytes(b'2 1\n1 1 0\n0\n"Ann"\n"Jos\xe9"\n')
    found = problem(read_blt, path)
    assert found.line == 5 and "not UTF-8" in found.message


def test_nist_xml_bad_input() -> None:
    from hustings.formats.cvr_nist_xml import parse_nist_xml_cvr

    good = ("<CastVoteRecordReport>\n<CVR><CurrentSnapshotId>s</CurrentSnapshotId>\n"
            '<CVRSnapshot ObjectId="s"><CVRContest><ContestId>k</ContestId>\n'
            "<CVRContestSelection><ContestSelectionId>a</ContestSelectionId>\n"
            "<SelectionPosition><Rank>{rank}</Rank></SelectionPosition>\n"
            "</CVRContestSelection></CVRContest></CVRSnapshot></CVR>\n"
            '<Election><Candidate ObjectId="c"><Name>Ann</Name></Candidate>'
            '<Contest ObjectId="k"><ContestSelection ObjectId="a"><CandidateIds>c'
            "</CandidateIds></ContestSelection></Contest></Election></CastVoteRecordReport>\n")
    assert parse_nist_xml_cvr(good.format(rank=1)).profile.candidates == ("Ann",)
    found = problem(parse_nist_xml_cvr, good.format(rank="NaN"), "x.xml")
    assert (found.source, found.line, found.field) == ("x.xml", 2, "CVR[0].SelectionPosition.Rank")
    found = problem(parse_nist_xml_cvr, good.format(rank=1)[:200], "cut.xml")
    assert found.source == "cut.xml" and "truncated" in found.message
    found = problem(parse_nist_xml_cvr, "<a><![CDATA[x]]></a>", "c.xml")
    assert "CDATA" in found.message and found.line == 1
    deep = "<a>" * 10_000 + "</a>" * 10_000
    found = problem(parse_nist_xml_cvr, "<CastVoteRecordReport>" + deep + "<Election/>"
                    "</CastVoteRecordReport>", "d.xml")  # no recursion: only "no contest"
    assert found.source == "d.xml" and "0 contests" in found.message
