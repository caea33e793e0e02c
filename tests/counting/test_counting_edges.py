"""Edges of the counting engine the examples and properties do not reach."""

from __future__ import annotations

import struct
from fractions import Fraction

import numpy as np
import pytest

from hustings.counting.batches import first_preferences, profile_of, remap
from hustings.counting.profile import WRITE_IN, Profile
from hustings.counting.registry import get_method
from hustings.counting.ties import TieBreaker, breaker
from hustings.domain.errors import InvalidInput
from hustings.domain.polling import BallotBatch


def _batch(keys: tuple[str, ...], rows: list[tuple[int, ...]], counts: tuple[int, ...],
           sets: tuple[tuple[int, ...], ...] = ()) -> BallotBatch:
    width = len(rows[0]) if rows else 1
    data = b"".join(struct.pack(f"<{width}i", *r) for r in rows)
    return BallotBatch("initial", "N", keys, width, data, counts, sets)


def test_no_batches_and_empty_batches_count_nothing() -> None:
    empty = profile_of([], ["ann", "bob"], ["Ann", "Bob"])
    assert empty.candidates == ("Ann", "Bob") and empty.total == 0
    assert first_preferences(_batch(("ann", "bob"), [], ())) == ({"ann": 0, "bob": 0}, 0, 0)
    none = np.zeros((0, 2), dtype=np.int32)
    assert remap(none, np.array([1, 0], dtype=np.int32)) is none


def test_overvote_sets_of_several_batches_are_renumbered() -> None:
    # each batch's first overvote set (-10) is its own; in the profile they are two sets
    a = _batch(("ann", "bob", "cat"), [(-10, 2)], (2,), ((0, 1),))
    b = _batch(("ann", "bob", "cat"), [(-10, 0)], (3,), ((1, 2),))
    profile = profile_of([a, b], ["ann", "bob", "cat"], ["Ann", "Bob", "Cat"])
    assert sorted(profile.overvote_sets) == [(0, 1), (1, 2)]
    rows = {tuple(r): int(c) for r, c in zip(profile.rankings.tolist(),
                                             profile.counts.tolist(), strict=True)}
    first = profile.overvote_sets.index((0, 1))
    second = profile.overvote_sets.index((1, 2))
    assert rows == {(-10 - first, 2): 2, (-10 - second, 0): 3}


def test_a_profile_with_no_ranks_elects_no_one() -> None:
    profile = Profile(("ann", "bob"), np.zeros((1, 0), dtype=np.int32),
                      np.array([3], dtype=np.int64))
    outcome = get_method("irv").count(profile, 1)
    assert outcome.winners == () and outcome.rounds[0].exhausted == 3


def test_a_tie_of_one_needs_no_breaking() -> None:
    ties = breaker(["ann", "bob"], {"tiebreak": "random", "seed": 1})
    assert ties.pick([1], round=1) == 1 and ties.ties == []


def test_minimax_by_pairwise_opposition() -> None:
    # ann beats bob 3-2; bob beats cat 4-1; cat beats ann 3-2: a cycle
    ballots = [(0, 1, 2)] * 2 + [(1, 2, 0)] * 2 + [(2, 0, 1)]
    profile = Profile.from_ballots(("ann", "bob", "cat"), ballots, max_ranks=3)
    outcome = get_method("minimax").count(profile, 1, {"measure": "pairwise-opposition"})
    # worst opposition: ann 3 (by cat), bob 3 (by ann), cat 4 (by bob): ann and bob tie
    assert outcome.winners[0] in ("ann", "bob")
    assert get_method("minimax").count(profile, 1, {"measure": "margins"}).winners


def test_exhaustive_drop_below_never_drops_everyone() -> None:
    ballots = [(0,)] * 3 + [(1,)] * 3 + [(2,)] * 3
    profile = Profile.from_ballots(("ann", "bob", "cat"), ballots, max_ranks=1)
    outcome = get_method("exhaustive").count(profile, 1, {"drop_below": 50, "seed": 2})
    assert len(outcome.winners) == 1
    assert len(outcome.rounds[0].eliminated) == 1  # one by lot, not all three below 50%


def test_two_round_lists_write_ins_as_uwi() -> None:
    ballots = [(0,)] * 3 + [(1,)] * 2 + [(-3,)] * 2 + [(2,)]
    profile = Profile.from_ballots(("ann", "bob", "cat"), ballots, max_ranks=1)
    outcome = get_method("two-round").count(profile, 1, {})
    assert outcome.rounds[0].tallies == {"ann": 3, "bob": 2, "cat": 1, "UWI": 2}


def test_a_college_without_candidates_is_refused() -> None:
    import pytest

    from hustings.domain.errors import InvalidInput

    empty = Profile((), np.zeros((0, 1), dtype=np.int32), np.zeros(0, dtype=np.int64))
    with pytest.raises(InvalidInput, match="the sections have no candidates"):
        get_method("college").count(empty, 1, {"sections": [("a", 1, empty)]})


def test_a_college_tie_for_last_is_decided_by_lot_and_said() -> None:
    ballots = [(0,)] * 4 + [(1,)] * 2 + [(2,)] * 2
    profile = Profile.from_ballots(("ann", "bob", "cat"), ballots, max_ranks=1)
    outcome = get_method("college").count(profile, 1, {"sections": [("s1", 1, profile)],
                                                       "seed": 1})
    first = outcome.rounds[0]
    assert len(first.eliminated) == 1 and first.eliminated[0] in ("bob", "cat")
    assert any("were tied for elimination" in n and "lot" in n for n in first.notes)
    assert outcome.winners == ("ann",)


def test_a_college_section_with_no_ranks_counts_for_no_one() -> None:
    from hustings.counting.college import count_college

    blank = Profile(("ann", "bob"), np.zeros((1, 0), dtype=np.int32),
                    np.array([3], dtype=np.int64))
    votes = Profile.from_ballots(("ann", "bob"), [(0,), (1,)], [5, 2])
    outcome = count_college([("N", 1, votes), ("S", 1, blank)])
    assert outcome.rounds[0].tallies == {"ann": Fraction(250, 7), "bob": Fraction(100, 7)}
    assert outcome.extras["section_tallies"][0]["S"] == {"ann": 0, "bob": 0}
    assert outcome.winners == ("ann",)


def test_no_ballots_at_all_elect_no_one_and_say_so() -> None:
    outcome = get_method("irv").count(Profile.from_ballots(("ann", "bob"), []), 1)
    assert outcome.winners == ()
    assert outcome.rounds[0].notes[0].startswith("There are no ballots")


def test_stv_refuses_suspending_overvotes() -> None:
    with pytest.raises(InvalidInput, match="suspend-if-multiple is offered for IRV only"):
        get_method("stv").count(Profile.from_ballots(("ann", "bob"), [(0,)]), 1,
                                {"overvote_rule": "suspend-if-multiple"})


def test_bottoms_up_with_a_fixed_share_nobody_keeps_elects_no_one() -> None:
    """60% of round 1's 10 votes (6) fixed: ann 5 and bob 5 never pass it; both are eliminated
    in turn and the count ends with no one elected."""
    profile = Profile.from_ballots(("ann", "bob"), [(0,), (1,)], [5, 5])
    outcome = get_method("bottoms-up").count(profile, 1, {
        "threshold_percent": 60, "threshold_round": "first", "tiebreak": "permutation",
        "order": ["ann", "bob"]})
    assert [r.eliminated for r in outcome.rounds] == [("bob",), ("ann",)]
    assert outcome.winners == () and outcome.summary[0].startswith("No one is elected")


def test_meek_says_when_keep_values_settle_or_keep_moving() -> None:
    # 1 decimal place: the keep values of round 3 still move after the iteration cap
    moving = Profile.from_ballots(tuple("ABCDE"), [(4, 3, 0, 1), (3, 4), (4, 1, 2, 0, 3)],
                                  [17, 26, 32])
    outcome = get_method("stv").count(moving, 4, {"variant": "meek", "decimals": 1})
    assert "still move at 1 decimal place after 500 iterations" in outcome.rounds[2].notes[0]
    assert outcome.winners == ("E", "D", "B", "C")
    # ... and here they stop changing at 1 place with the surplus above a tiny limit
    settled = Profile.from_ballots(tuple("ABCDE"), [
        (0, 4, 1, 2), (3, 1, 4), (2,), (1, 3, 0, 2, 4), (1, 0, 2, 3), (4, 3, 2, 0),
        (3, 1, 2, 0, 4), (2, 3, 0, 1, 4), (0, 2), (0,)], [20, 20, 48, 11, 27, 37, 17, 9, 1, 36])
    outcome = get_method("stv").count(settled, 3, {"variant": "meek", "decimals": 1,
                                                   "surplus_limit": Fraction(1, 10**30)})
    assert "no longer change at 1 decimal place" in outcome.rounds[1].notes[0]
    assert outcome.winners == ("A", "C", "D")


def test_stv_rctab_never_eliminates_a_candidate_for_write_ins_it_cannot_elect() -> None:
    """A elected alone; B (0) and write-ins (0) tie for the one seat left: write-ins go, B is
    elected (a lot eliminating B left no one to elect: a traceback before)."""
    profile = Profile.from_ballots(("A", "B"), [(0, WRITE_IN)], max_ranks=2)
    for seed in range(6):
        outcome = get_method("stv").count(profile, 2, {
            "variant": "rctab", "write_ins": "eliminate-first", "tiebreak": "random",
            "seed": seed})
        assert [r.eliminated for r in outcome.rounds] == [(), ("UWI",), (), ()]
        assert outcome.winners == ("A", "B") and outcome.ties == ()


def test_irv_rctab_write_ins_go_first_and_block_a_winner_meanwhile() -> None:
    """Write-ins hold 3 of 7: no one is elected in round 1 although ann has 4 (a majority);
    write-ins are eliminated first, their ballots go on, and ann wins in round 2."""
    profile = Profile.from_ballots(("ann", "bob"), [(0,), (WRITE_IN, 1), (WRITE_IN,)],
                                   [4, 2, 1])
    outcome = get_method("irv").count(profile, 1, {"round_structure": "rctab"})
    assert outcome.rounds[0].tallies == {"ann": 4, "bob": 0, "UWI": 3}
    assert outcome.rounds[0].elected == () and outcome.rounds[0].eliminated == ("UWI",)
    assert "Undeclared write-ins (3) are eliminated first." in outcome.rounds[0].notes
    assert outcome.rounds[1].tallies == {"ann": 4, "bob": 2} and outcome.winners == ("ann",)


def test_prepare_gives_a_ballot_with_no_ranks_a_stop() -> None:
    from hustings.counting.ballots import STOP, prepare

    blank = Profile(("ann", "bob"), np.zeros((2, 0), dtype=np.int32),
                    np.array([3, 1], dtype=np.int64))
    assert prepare(blank).tolist() == [[STOP], [STOP]]


def test_java_previous_round_counts_narrow_the_tie_before_any_lot() -> None:
    """RCTab's previousRoundCountsThenRandom: the newest earlier round that separates the tied
    decides; a lot (java.util.Random(seed)) only among those it leaves."""
    names = ["ann", "bob", "cy"]
    decided = TieBreaker(names, "previous-round-counts", 1, lot="java")
    assert decided.pick([0, 1, 2], round=3, history=[{0: 1, 1: 2, 2: 3}, {0: 4, 1: 4, 2: 5}]) == 0
    assert decided.ties[0].broken_by == "counts at round 1"
    narrowed = TieBreaker(names, "previous-round-counts", 1, lot="java")
    chosen = narrowed.pick([0, 1, 2], round=2, lowest=False, history=[{0: 2, 1: 5, 2: 5}])
    assert chosen in (1, 2)
    assert narrowed.ties[0].broken_by == ("counts at round 1, then lot drawn with seed 1 "
                                          "(java.util.Random)")
    alone = TieBreaker(names, "previous-round-counts", 1, lot="java")
    alone.pick([0, 1], round=2, history=[{0: 2, 1: 2}])
    assert alone.ties[0].broken_by == "lot drawn with seed 1 (java.util.Random)"


def test_a_district_given_as_a_mapping_brings_its_own_points() -> None:
    north = Profile.from_ballots(("ann", "bob"), [(0,), (1,)], [3, 1])
    south = Profile.from_ballots(("ann", "bob"), [(1,)], [5])
    outcome = get_method("points").count(Profile.from_ballots(("ann", "bob"), []), 1, {
        "points": 1, "districts": [{"name": "N", "profile": north, "points": 3},
                                   {"name": "S", "profile": south}]})
    # N shares its own 3 points 3:1, S its 1 (the default) all to bob: 9/4 against 7/4
    assert outcome.rounds[0].tallies == {"ann": Fraction(9, 4), "bob": Fraction(7, 4)}
    assert outcome.winners == ("ann",)


def test_batches_are_trimmed_merged_and_read_back_into_one_profile() -> None:
    from hustings.counting.batches import batch_of
    from hustings.counting.profile import OVERVOTE

    wide = Profile.from_ballots(("ann", "bob"), [(0, 1), (1,), (OVERVOTE,), (0, 1)],
                                [2, 1, 1, 1], max_ranks=3)
    narrow = Profile.from_ballots(("ann", "bob"), [(1,)], [3])
    first = batch_of(wide, ("ann", "bob"), "initial", "N")
    second = batch_of(narrow, ("ann", "bob"), "initial", "S")
    assert (first.width, second.width) == (2, 1)  # the empty third rank trimmed
    assert first.counts == (1, 3, 1)  # equal rankings merged, rows sorted
    assert first_preferences(first) == ({"ann": 3, "bob": 1}, 0, 1)
    both = profile_of([first, second], ["bob", "ann"], ["Bob", "Ann"])
    assert both.candidates == ("Bob", "Ann") and both.total == 8
    assert sorted(zip(both.rankings.tolist(), both.counts.tolist(), strict=True)) == [
        ([-2, -1], 1), ([0, -1], 4), ([1, 0], 3)]
