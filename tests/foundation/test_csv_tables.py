"""CSV readers: every bad-input case names the file, line and column."""

from __future__ import annotations

import pytest

from hustings.domain.errors import InvalidInput, Problem
from hustings.formats.csv_tables import read_members, read_precincts, read_tally_sheets

CANDS = {"a": "a", "Ann": "a", "b": "b"}


def fails(call: object, *args: object) -> list[Problem]:
    with pytest.raises(InvalidInput) as info:
        call(*args)  # type: ignore[operator]
    return info.value.problems


def test_members_read_as_columns() -> None:
    table = read_members(b"member_id,name,joined,standing,precinct\n"
                         b"1,Ann,2001-01-01,good,P1\n2,Bob,2001-02-03,Suspended,\n", "m.csv")
    assert table.member_id == ["1", "2"] and table.standing == ["good", "suspended"]
    assert table.precinct == ["P1", None] and str(table.joined[1]) == "2001-02-03"


@pytest.mark.parametrize(("data", "line", "field", "words"), [
    (b"member_id,name,joined\n1,A,2001-01-01\n", 1, "standing", "missing column"),
    (b"member_id,name,joined,standing,shoe\n", 1, "shoe", "unknown column"),
    (b"member_id,name,joined,standing\n1,A,2001-01-01,good\n1,B,2001-01-01,good\n", 3,
     "member_id", "duplicate member id"),
    (b"member_id,name,joined,standing\n1,A,01/02/2001,good\n", 2, "joined", "not a date"),
    (b"member_id,name,joined,standing\n1,A,2001-01-01,great\n", 2, "standing", "not one of"),
    (b"member_id,name,joined,standing\n,A,2001-01-01,good\n", 2, "member_id", "empty"),
])
def test_member_roll_problems(data: bytes, line: int, field: str, words: str) -> None:
    [problem] = fails(read_members, data, "m.csv")
    assert (problem.source, problem.line, problem.field) == ("m.csv", line, field)
    assert words in problem.message


def test_members_malformed_row() -> None:
    [problem] = fails(read_members, b"member_id,name,joined,standing\n1,A,2001-01-01\n", "m.csv")
    assert "malformed CSV" in problem.message


def test_precincts() -> None:
    assert [p.code for p in read_precincts(b"code,name\nA,Alpha\nB,Beta\n", "p.csv")] == [
        "A", "B"]
    [dup] = fails(read_precincts, b"code,name\nA,Alpha\nA,Again\n", "p.csv")
    assert dup.line == 3 and "duplicate" in dup.message
    missing, unknown = fails(read_precincts, b"id,name\n", "p.csv")
    assert unknown.field == "id" and "unknown column" in unknown.message
    assert missing.field == "code"


HEADER = b"precinct,registered,ballots_cast,Ann,b,blank,invalid\n"


def test_tally_sheets_accept_names_or_keys() -> None:
    [(line, sheet)] = read_tally_sheets(HEADER + b"P1,100,60,30,28,1,1\n", "t.csv", "initial",
                                        CANDS)
    assert line == 2 and sheet.votes == {"a": 30, "b": 28} and sheet.valid == 58


@pytest.mark.parametrize(("data", "line", "field", "words"), [
    (b"precinct,registered,ballots_cast,a,b,c,blank,invalid\n", 1, "c", "unknown candidate"),
    (b"precinct,registered,ballots_cast,a,blank,invalid\n", 1, None, "no column for"),
    (b"precinct,registered,ballots_cast,a,b,blank\n", 1, "invalid", "missing column"),
    (HEADER + b"P1,100,sixty,30,28,1,1\n", 2, "ballots_cast", "not a whole number"),
    (HEADER + b"P1,100,60,-30,28,1,1\n", 2, "Ann", "negative"),
    (HEADER + b"P1,100,61,30,28,1,1\n", 2, "ballots_cast", "ballots_cast = 61"),
    (HEADER + b"P1,50,60,30,28,1,1\n", 2, "ballots_cast", "exceeds registered"),
    (HEADER + b"P1,100,60,30,28,1,1\nP1,100,60,30,28,1,1\n", 3, "precinct", "second sheet"),
    (HEADER + b"P1,100,60,30,28,1\n", 2, None, "fields"),
])
def test_tally_sheet_problems(data: bytes, line: int, field: str | None, words: str) -> None:
    problems = fails(read_tally_sheets, data, "t.csv", "initial", CANDS)
    assert any(p.line == line and p.field == field and words in p.message for p in problems), \
        problems


def test_lone_carriage_returns_end_lines() -> None:
    assert [p.code for p in read_precincts(b"code,name\rA,Alpha\rB,Beta\r", "p.csv")] == [
        "A", "B"]
    [problem] = fails(read_members, b"\r0", "m.csv")  # found by schemathesis: was a 500
    assert problem.line == 1 and "missing column" in problem.message


def test_a_field_over_the_csv_limit_is_located() -> None:
    huge = b"code,name\nA,Alpha\nB," + b"x" * 200_000 + b"\n"
    [problem] = fails(read_precincts, huge, "p.csv")
    assert (problem.source, problem.line) == ("p.csv", 3)
    assert "malformed CSV" in problem.message
