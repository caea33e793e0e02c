"""What the counting methods refuse, each with the field named, and the helpers' edges."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from hustings.counting.javarandom import JavaRandom
from hustings.counting.outcome import Outcome
from hustings.counting.profile import Profile
from hustings.counting.registry import get_method
from hustings.domain.errors import InvalidInput

EMPTY = Profile((), np.zeros((0, 1), dtype=np.int32), np.zeros(0, dtype=np.int64))


@pytest.mark.parametrize("method", ["plurality", "two-round", "irv", "stv", "exhaustive",
                                    "schulze", "ranked-pairs", "copeland", "minimax"])
def test_no_candidates_is_refused(method: str) -> None:
    with pytest.raises(InvalidInput, match="the profile has no candidates"):
        get_method(method).count(EMPTY, 1)


def _field(method: str, profile: Profile, seats: int, options: dict[str, object]) -> str:
    with pytest.raises(InvalidInput) as refused:
        get_method(method).count(profile, seats, options)
    return str(refused.value.problems[0].field)


def test_bad_options_are_refused_naming_the_option() -> None:
    ab = Profile.from_ballots(("ann", "bob"), [(0, 1), (1,)], max_ranks=2)
    assert _field("stv", ab, 1, {"max_rankings": 0}) == "max_rankings"
    assert _field("stv", ab, 1, {"variant": "meek", "overvote_rule": "exhaust-if-multiple"}
                  ) == "overvote_rule"
    uwi = Profile.from_ballots(("ann", "UWI"), [(0,), (1,)], max_ranks=1)
    assert _field("irv", uwi, 1, {"write_ins": "eliminate-first"}) == "write_ins"


def test_a_profile_has_one_count_per_two_dimensional_ranking() -> None:
    with pytest.raises(ValueError, match="2-D"):
        Profile(("a",), np.zeros(3, dtype=np.int32), np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="one count per unique ranking"):
        Profile(("a",), np.zeros((2, 1), dtype=np.int32), np.zeros(3, dtype=np.int64))


def test_java_random_bounds() -> None:
    with pytest.raises(ValueError, match="positive"):
        JavaRandom(1).next_int(0)
    for seed in (0, 7, 2007):  # a power of two: the high bits of one draw, as java.util.Random
        state = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)
        rng, want = JavaRandom(seed), []
        for _ in range(3):
            state = (state * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
            want.append((16 * (state >> 17)) >> 31)
        assert [rng.next_int(16) for _ in range(3)] == want


def test_extras_with_fractions_are_written_exactly() -> None:
    outcome = Outcome("x", 1, ("a",), ("a",), (), (), 0,
                      extras={"quota": Fraction(7, 3), "list": [Fraction(1, 2)]})
    extras = outcome.to_dict()["extras"]
    assert extras["quota"] != "2.3333333333" and Fraction(extras["quota"]) == Fraction(7, 3)
    assert [Fraction(v) for v in extras["list"]] == [Fraction(1, 2)]
