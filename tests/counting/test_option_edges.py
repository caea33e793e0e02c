"""Edges of the rule options added for RCTab parity, each behaviour that can be seen."""

from __future__ import annotations

import numpy as np
import pytest

from hustings.counting.profile import Profile, overvote_code, without_candidates
from hustings.counting.registry import get_method
from hustings.domain.errors import InvalidInput

AB = Profile.from_ballots(("ann", "bob"), [(0, 1), (1,), (0,)], max_ranks=2)


@pytest.mark.parametrize(("method", "options", "field"), [
    ("irv", {"round_structure": "rctab", "stop_after_round": 0}, "stop_after_round"),
    ("bottoms-up", {"threshold_percent": 0}, "threshold_percent"),
])
def test_meaningless_values_are_refused_naming_the_option(method: str, options: dict,
                                                         field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        get_method(method).count(AB, 1, options)
    assert refused.value.problems[0].field == field


def test_an_overvote_left_with_one_candidate_becomes_a_mark_for_them() -> None:
    """ann and bob marked at rank 1 (an overvote), then cy: without ann, that rank is bob's."""
    rankings = np.array([[overvote_code(0), 2]], dtype=np.int32)
    profile = Profile(("ann", "bob", "cy"), rankings, np.array([4], dtype=np.int64), ((0, 1),))
    left = without_candidates(profile, [0])
    assert left.candidates == ("bob", "cy") and left.overvote_sets == ()
    assert left.rankings.tolist() == [[0, 1]] and left.counts.tolist() == [4]

