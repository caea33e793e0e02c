"""Every invalid option, or combination, raises InvalidInput naming the option."""

from __future__ import annotations

from fractions import Fraction

import pytest

from hustings.counting import count_college
from hustings.counting.profile import Profile
from hustings.counting.registry import all_methods, get_method
from hustings.domain.errors import InvalidInput
from tests.counting.examples import FOUR

CASES = [
    ("irv", 1, {"colour": "red"}, "colour"),
    ("irv", 1, {"overvote_rule": "ignore"}, "overvote_rule"),
    ("irv", 1, {"max_skipped_ranks": -1}, "max_skipped_ranks"),
    ("irv", 1, {"max_skipped_ranks": "lots"}, "max_skipped_ranks"),
    ("irv", 1, {"duplicates": "count"}, "duplicates"),
    ("irv", 1, {"max_rankings": 0}, "max_rankings"),
    ("irv", 1, {"batch_elimination": "maybe"}, "batch_elimination"),
    ("irv", 1, {"continue_until_two": 3}, "continue_until_two"),
    ("irv", 1, {"write_ins": "keep"}, "write_ins"),
    ("irv", 1, {"tiebreak": "coin"}, "tiebreak"),
    ("irv", 1, {"seed": "abc"}, "seed"),
    ("irv", 1, {"tiebreak": "permutation"}, "order"),
    ("irv", 1, {"tiebreak": "permutation", "order": ["Alice", "Bob"]}, "order"),
    ("irv", 1, {"tiebreak": "permutation", "order": ["Alice", "Bob", "Carol", "Zed"]}, "order"),
    ("irv", 1, {"order": ["Alice", "Bob", "Carol", "Dan"]}, "order"),
    ("irv", 2, {}, "seats"),
    ("irv", 0, {}, "seats"),
    ("stv", 5, {}, "seats"),
    ("stv", 2, {"variant": "cambridge"}, "variant"),
    ("stv", 2, {"variant": "scottish", "quota": "hare"}, "quota"),
    ("stv", 2, {"variant": "scottish", "quota_rounding": "fractional"}, "quota"),
    ("stv", 2, {"variant": "scottish", "decimals": 6}, "decimals"),
    ("stv", 2, {"variant": "meek", "quota": "hare"}, "quota"),
    ("stv", 2, {"variant": "meek", "surplus_limit": 0}, "surplus_limit"),
    ("stv", 2, {"variant": "meek", "overvote_rule": "exhaust-if-multiple"}, "overvote_rule"),
    ("stv", 2, {"decimals": 19}, "decimals"),
    ("stv", 2, {"surplus_limit": "x"}, "surplus_limit"),
    ("stv", 2, {"write_ins": "eliminate-first"}, "write_ins"),
    ("plurality", 1, {"too_many_marks": "all"}, "too_many_marks"),
    ("two-round", 1, {"threshold": 150}, "threshold"),
    ("two-round", 1, {"threshold": "half"}, "threshold"),
    ("two-round", 1, {"comparison": "above"}, "comparison"),
    ("two-round", 1, {"denominator": "registered"}, "denominator"),
    ("two-round", 1, {"simulate_runoff": "yes please"}, "simulate_runoff"),
    ("two-round", 2, {}, "seats"),
    ("exhaustive", 1, {"drop_below": -5}, "drop_below"),
    ("borda", 1, {"points": "n+1"}, "points"),
    ("borda", 1, {"truncated": "max"}, "truncated"),
    ("schulze", 1, {"strength": "ratio"}, "strength"),
    ("ranked-pairs", 1, {"strength": "ratio"}, "strength"),
    ("copeland", 1, {"tie_score": "half"}, "tie_score"),
    ("minimax", 1, {"measure": "ratio"}, "measure"),
    ("confirm", 1, {}, "candidate"),
    ("confirm", 1, {"candidate": "Zed"}, "candidate"),
    ("confirm", 1, {"candidate": "Alice", "threshold": 101}, "threshold"),
    ("college", 1, {}, "sections"),
    ("college", 1, {"sections": []}, "sections"),
    ("college", 1, {"sections": [("x", 0, FOUR)]}, "sections"),
    ("college", 1, {"sections": [("x", 1, "not a profile")]}, "sections"),
    ("points", 1, {}, "districts"),
    ("points", 1, {"districts": [("d", FOUR)], "points": 0}, "points"),
    ("points", 1, {"districts": [("d", FOUR)], "scale_by_membership": "x"},
     "scale_by_membership"),
]


@pytest.mark.parametrize(("method", "seats", "options", "field"), CASES)
def test_invalid_options_name_the_option(method: str, seats: int, options: dict,
                                         field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        get_method(method).count(FOUR, seats, options)
    assert field in [p.field for p in error.value.problems]


def test_validate_returns_normalised_options() -> None:
    opts = get_method("two-round").validate({"threshold": "45.5"}, 1, FOUR.candidates)
    assert opts["threshold"] == Fraction(91, 2)
    assert opts["comparison"] == "at-least"
    assert get_method("stv").validate({"variant": "scottish"}, 2, FOUR.candidates)[
        "decimals"] == 5


def test_unknown_method_lists_known_names() -> None:
    with pytest.raises(InvalidInput) as error:
        get_method("condorcet-ish")
    assert "schulze" in str(error.value) and error.value.problems[0].field == "method"


def test_every_method_has_documented_options() -> None:
    for m in all_methods():
        for o in m.options:
            assert o.name and o.type and o.help


def test_college_sections_must_share_candidates() -> None:
    other = Profile.from_ballots(["X", "Y"], [[0]])
    with pytest.raises(InvalidInput) as error:
        count_college([("a", Fraction(1), FOUR), ("b", Fraction(1), other)])
    assert error.value.problems[0].field == "sections"


def test_profile_without_candidates() -> None:
    empty = Profile.from_ballots([], [])
    for name in ("irv", "stv", "plurality"):
        with pytest.raises(InvalidInput):
            get_method(name).count(empty)
