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


@pytest.mark.parametrize(("method", "options", "message"), [
    ("college", {"sections": "x"}, "sections must be a non-empty list of (name, weight, profile)"),
    ("college", {"sections": [("a", 1)]}, "each of sections must be (name, weight, profile)"),
    ("college", {"sections": [("a", "x", "p")]}, "sections entry 'a' has no profile"),
    ("points", {"districts": []}, "districts must be a non-empty list of (name, profile[, "
                                  "members])"),
    ("points", {"districts": [("a",)]}, "each district must be (name, profile[, members])"),
])
def test_bad_sections_and_districts_are_refused(method: str, options: dict[str, object],
                                                message: str) -> None:
    ab = Profile.from_ballots(("ann", "bob"), [(0, 1), (1,)], max_ranks=2)
    with pytest.raises(InvalidInput) as refused:
        get_method(method).count(ab, 1, options)
    assert [(p.field, p.message) for p in refused.value.problems] == [
        (next(iter(options)), message)]


def test_a_section_weight_must_be_a_number() -> None:
    ab = Profile.from_ballots(("ann", "bob"), [(0, 1), (1,)], max_ranks=2)
    with pytest.raises(InvalidInput, match="sections entry 'a' has a bad weight 'x'"):
        get_method("college").count(ab, 1, {"sections": [("a", "x", ab)]})


def test_a_simulated_runoff_tied_is_decided_by_lot() -> None:
    ballots = [(0, 2), (0, 2), (1, 2), (1, 2), (2,)]  # ann 2, bob 2, cat 1; cat's: neither
    profile = Profile.from_ballots(("ann", "bob", "cat"), ballots, max_ranks=2)
    outcome = get_method("two-round").count(profile, 1, {"simulate_runoff": True, "seed": 3})
    assert [r.tallies for r in outcome.rounds][1] == {"ann": 2, "bob": 2}
    assert outcome.winners in (("ann",), ("bob",))
    assert outcome.ties[-1].purpose == "election" and "lot" in outcome.ties[-1].broken_by


def test_write_ins_are_counted_as_uwi_by_plurality() -> None:
    profile = Profile.from_ballots(("ann", "bob"), [(0,), (-3,), (-3,)], max_ranks=1)
    outcome = get_method("plurality").count(profile, 1, {})
    assert outcome.rounds[0].tallies == {"ann": 1, "bob": 0, "UWI": 2}
    assert outcome.winners == ("ann",)  # a write-in line is not a candidate who can win


def test_no_base_passes_no_threshold() -> None:
    from hustings.counting.two_round import passes

    assert not passes(0, 0, Fraction(0), "at-least")


@pytest.mark.parametrize("decimals", [None, 12])  # 12: the arbitrary-precision path
def test_meek_fills_the_seats_left_with_the_candidates_left(decimals: int | None) -> None:
    ballots = [(0,)] * 10 + [(1,)] * 3 + [(2,)] * 2
    profile = Profile.from_ballots(("ann", "bob", "cat"), ballots, max_ranks=1)
    options: dict[str, object] = {"variant": "meek"}
    if decimals:
        options["decimals"] = decimals
    outcome = get_method("stv").count(profile, 3, options)
    assert outcome.winners == ("ann", "bob", "cat")
    assert "bob and cat fill the remaining seats." in outcome.rounds[-1].notes
    assert outcome.rounds[0].tallies["ann"] == 10
