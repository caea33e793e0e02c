"""Pure domain rules: rounding, eligibility, sheet arithmetic, result summaries."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from hustings.domain.election import Candidate, PercentageBase
from hustings.domain.eligibility import EligibilityRule, months_before
from hustings.domain.organisation import Member, Standing
from hustings.domain.polling import TallySheet
from hustings.domain.results import summarise
from hustings.domain.rounding import percent, round_half_up


@pytest.mark.parametrize(("num", "den", "places", "expected"), [
    (631, 1271, 2, "49.65"), (359, 1271, 2, "28.25"), (281, 1271, 2, "22.11"),
    (35945, 66220, 2, "54.28"), (67020, 112640, 1, "59.5"), (1, 8, 2, "12.50"),
    (1, 200, 1, "0.5"), (0, 0, 2, "0.00"), (1, 3, 0, "33"),
])
def test_percent_rounds_half_up(num: int, den: int, places: int, expected: str) -> None:
    assert percent(num, den, places) == expected


def test_round_half_up_is_exact_at_the_half() -> None:
    assert round_half_up(Fraction(5, 1000), 2) == "0.01"  # float rounding would give 0.00
    assert round_half_up(Fraction(-5, 1000), 2) == "-0.01"
    assert round_half_up(Fraction(4999, 1000000), 2) == "0.00"


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(date(2002, 8, 31), 6) == date(2002, 2, 28)
    assert months_before(date(2001, 7, 1), 6) == date(2001, 1, 1)
    assert months_before(date(2004, 5, 31), 3) == date(2004, 2, 29)


def test_eligibility_needs_good_standing_and_membership_length() -> None:
    rule = EligibilityRule(date(2002, 8, 1), min_months=6)
    def member(joined: date, standing: Standing = Standing.GOOD) -> Member:
        return Member("1", "A", joined, standing, "P")
    assert rule.admits(member(date(2002, 2, 1)))
    assert not rule.admits(member(date(2002, 2, 2)))
    assert not rule.admits(member(date(1990, 1, 1), Standing.SUSPENDED))
    relaxed = EligibilityRule(date(2002, 8, 1), require_good_standing=False)
    assert relaxed.admits(member(date(1990, 1, 1), Standing.LAPSED))


def test_sheet_problems_name_the_field() -> None:
    ok = TallySheet("p", "A", 100, 60, {"x": 50, "y": 8}, 1, 1)
    assert ok.problems() == []
    bad_sum = TallySheet("p", "A", 100, 61, {"x": 50, "y": 8}, 1, 1)
    [problem] = bad_sum.problems("f.csv", 3)
    assert problem.field == "ballots_cast" and problem.line == 3 and "= 60" in problem.message
    over = TallySheet("p", "A", 50, 60, {"x": 50, "y": 8}, 1, 1)
    assert "exceeds registered" in over.problems()[0].message
    negative = TallySheet("p", "A", 50, 60, {"x": -1}, 1, 1)
    assert negative.problems()[0].field == "x"


def test_summarise_totals_percentages_and_winner() -> None:
    cands = [Candidate("a", "Ann", "Ann"), Candidate("b", "Bob", "Bob")]
    sheets = [(TallySheet("p", "P1", 100, 80, {"a": 50, "b": 25}, 3, 2), "One"),
              (TallySheet("p", "P2", 100, 40, {"a": 10, "b": 28}, 1, 1), "Two")]
    result = summarise("e", "provisional", cands, sheets, registered=250, precincts_total=3)
    d = result.to_dict()
    assert [c["name"] for c in d["candidates"]] == ["Ann", "Bob"]
    assert d["candidates"][0] == {"name": "Ann", "votes": 60, "percentage": "53.10"}
    assert d["valid"] == 113 and d["ballots_cast"] == 120 and d["turnout"] == "48.0"
    assert d["winner"] == "Ann" and d["margin"] == 7
    assert d["precincts"] == {"reporting": 2, "total": 3}
    by_cast = summarise("e", "x", cands, sheets, 250, 3, PercentageBase.BALLOTS_CAST)
    assert by_cast.candidates[0].percentage == "50.00"


def test_summarise_tie_has_no_winner() -> None:
    cands = [Candidate("a", "Ann", "Ann"), Candidate("b", "Bob", "Bob")]
    sheets = [(TallySheet("p", "P1", 10, 4, {"a": 2, "b": 2}), "One")]
    result = summarise("e", "x", cands, sheets, 10, 1)
    assert result.winner is None and result.margin == 0
