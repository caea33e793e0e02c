"""Rule options: every kind of value converted, and every bad value refused naming its field."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from hustings.counting.options import OptionSpec, check_names, normalise
from hustings.domain.errors import InvalidInput


def one(kind: str, value: Any) -> Any:
    return normalise([OptionSpec("x", kind, None)], {"x": value})["x"]


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("bool", "Yes", True), ("bool", "0", False), ("bool", False, False),
    ("int", " 7", 7), ("int", 3, 3), ("seed", "42", 42),
    ("count", "unlimited", "unlimited"), ("count", "2", 2), ("int|None", 5, 5),
    ("percent", 12.5, Fraction(25, 2)), ("percent", "50", 50),
    ("fraction", "1/3", Fraction(1, 3)), ("fraction", 0.5, Fraction(1, 2)),
    ("str", "abc", "abc"), ("names", ["a", "b"], ("a", "b")), ("sections", [1], [1]),
])
def test_values_are_converted(kind: str, value: Any, expected: Any) -> None:
    assert one(kind, value) == expected


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("bool", "maybe", "x must be true or false, not 'maybe'"),
    ("int", True, "x must be a whole number, not True"),
    ("int", "3.5", "x must be a whole number, not '3.5'"),
    ("int", "-2", "x must not be negative"),
    ("percent", True, "x must be a percentage, not True"),
    ("percent", "half", "x must be a percentage, not 'half'"),
    ("percent", 101, "x must be between 0 and 100, not 101"),
    ("fraction", False, "x must be a number, not False"),
    ("fraction", "1/0", "x must be a number, not '1/0'"),
    ("fraction", -1, "x must not be negative"),
    ("str", 5, "x must be text, not 5"),
    ("names", "ann", "x must be a list of candidate names"),
    ("names", ["ann", 3], "x must be a list of candidate names"),
    ("names", ["ann", "ann"], "x names a candidate twice"),
])
def test_bad_values_are_refused_naming_the_field(kind: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        one(kind, value)
    [problem] = refused.value.problems
    assert problem.field == "x" and problem.message == message


def test_no_names_is_none_and_names_must_be_candidates() -> None:
    assert normalise([OptionSpec("x", "names", ())], {"x": None})["x"] is None
    check_names("x", None, ["ann"])  # nothing given: nothing to check
    with pytest.raises(InvalidInput, match="cat"):
        check_names("x", ["ann", "cat"], ["ann", "bob"])
