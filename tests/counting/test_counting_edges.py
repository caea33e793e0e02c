"""Edges of the counting engine the examples and properties do not reach."""

from __future__ import annotations

import struct

import numpy as np

from hustings.counting.batches import first_preferences, profile_of, remap
from hustings.counting.profile import Profile
from hustings.counting.registry import get_method
from hustings.counting.ties import breaker
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
