"""RCTab's rule options in the fast engine against slow per-ballot references
(tests/counting/reference_rctab.py), on hypothesis-generated profiles."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting.javarandom import java_shuffle
from hustings.counting.registry import get_method
from hustings.domain.errors import InvalidInput
from tests.counting import reference_rctab as ref
from tests.counting.strategies import NAMES, profile_of, random_ballots

CASES = settings(max_examples=150, deadline=None)


@st.composite
def elections(draw: st.DrawFn, max_n: int = 6, messy: bool = True
              ) -> tuple[int, list[tuple[int, ...]], list[int]]:
    """(candidates, ballots, a tie-break order) with blanks, overvotes and repeats."""
    n = draw(st.integers(2, max_n))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    ballots = random_ballots(rng, n, draw(st.integers(1, 40)), messy)
    order = draw(st.permutations(list(range(n))))
    return n, ballots, list(order)


def _options(order: list[int], **more: object) -> dict[str, object]:
    return {"tiebreak": "permutation", "order": [NAMES[c] for c in order], **more}


def _named(tallies: dict[int, int] | dict[int, Fraction]) -> dict[str, object]:
    return {NAMES[c]: v for c, v in tallies.items()}


def _counts(ballots: list[tuple[int, ...]], n: int) -> bool:
    """Whether some ballot counts for a candidate in round 1 (else no one is elected)."""
    return any(ref._next(b, 0, set(range(n)))[1] >= 0 for b in ballots)


MINIMUMS = st.sampled_from([0, 0, 1, 2, 3, 5, 8, 13])


@CASES
@given(elections(), st.booleans(), st.one_of(st.none(), st.integers(1, 4)), MINIMUMS)
def test_irv_rctab_threshold_round_stop_and_minimum_match_reference(
    election: tuple[int, list[tuple[int, ...]], list[int]], first: bool, stop: int | None,
    minimum: int,
) -> None:
    n, ballots, order = election
    options = _options(order, round_structure="rctab", minimum_votes=minimum,
                       threshold_round="first" if first else "every", stop_after_round=stop)
    method = get_method("irv")
    if not _counts(ballots, n):
        assert method.count(profile_of(n, ballots), 1, options).winners == ()
        return
    try:
        winner, rounds, needs = ref.irv_rctab(n, ballots, order, first, stop, minimum)
    except ref.Refused:
        with pytest.raises(InvalidInput, match="minimum_votes is"):
            method.count(profile_of(n, ballots), 1, options)
        return
    outcome = method.count(profile_of(n, ballots), 1, options)
    assert outcome.winners == (() if winner is None else (NAMES[winner],))
    assert [r.tallies for r in outcome.rounds] == [_named(t) for t in rounds]
    assert [r.threshold for r in outcome.rounds] == needs


def _hopeful_tallies(outcome: object) -> list[dict[str, object]]:
    """Each round's tallies of the candidates not elected in an earlier round."""
    rounds = outcome.rounds  # type: ignore[attr-defined]
    shown = []
    for r in rounds:
        before = {w for q in rounds[: r.number - 1] for w in q.elected}
        shown.append({k: v for k, v in r.tallies.items() if k not in before})
    return shown


@CASES
@given(elections(), st.integers(1, 4))
def test_stv_rctab_one_winner_per_round_matches_reference(
    election: tuple[int, list[tuple[int, ...]], list[int]], seats: int,
) -> None:
    n, ballots, order = election
    seats = min(seats, n)
    options = _options(order, variant="rctab", one_winner_per_round=True)
    outcome = get_method("stv").count(profile_of(n, ballots), seats, options)
    if not _counts(ballots, n):
        assert outcome.winners == ()
        return
    elected, rounds = ref.stv_rctab_one_per_round(n, ballots, seats, order)
    assert outcome.winners == tuple(NAMES[c] for c in elected)
    assert all(len(r.elected) <= 1 for r in outcome.rounds)
    assert _hopeful_tallies(outcome) == [_named(t) for t in rounds]


@CASES
@given(elections(), st.integers(1, 4), st.booleans(), MINIMUMS,
       st.one_of(st.none(), st.integers(1, 5)))
def test_stv_rctab_minimum_and_stop_match_reference(
    election: tuple[int, list[tuple[int, ...]], list[int]], seats: int, one: bool,
    minimum: int, stop: int | None,
) -> None:
    n, ballots, order = election
    seats = min(seats, n)
    options = _options(order, variant="rctab", one_winner_per_round=one,
                       minimum_votes=minimum, stop_after_round=stop)
    method = get_method("stv")
    if not _counts(ballots, n):
        assert method.count(profile_of(n, ballots), seats, options).winners == ()
        return
    try:
        elected, rounds, stopped = ref.stv_rctab(n, ballots, seats, order, one, minimum, stop)
    except ref.Refused:
        with pytest.raises(InvalidInput, match="minimum_votes is"):
            method.count(profile_of(n, ballots), seats, options)
        return
    outcome = method.count(profile_of(n, ballots), seats, options)
    assert outcome.winners == tuple(NAMES[c] for c in elected)
    assert _hopeful_tallies(outcome) == [_named(t) for t in rounds]
    assert outcome.extras.get("stopped_after_round") == (stop if stopped else None)


@CASES
@given(elections(), st.integers(1, 4),
       st.one_of(st.none(), st.integers(1, 60).map(Fraction)), st.booleans(), st.booleans(),
       MINIMUMS, st.one_of(st.none(), st.integers(1, 4)))
def test_bottoms_up_matches_reference(
    election: tuple[int, list[tuple[int, ...]], list[int]], seats: int,
    percent: Fraction | None, first: bool, cutoff: bool, minimum: int, stop: int | None,
) -> None:
    n, ballots, order = election
    seats = min(seats, n)
    options = _options(order, stop_after_round=stop)
    if percent is not None:
        options.update(threshold_percent=percent, cutoff_elimination=cutoff,
                       threshold_round="first" if first else "every")
    if not (percent is not None and cutoff):
        options["minimum_votes"] = minimum
    else:
        minimum = 0  # RCTab never had both
    method = get_method("bottoms-up")
    if not _counts(ballots, n):
        assert method.count(profile_of(n, ballots), seats, options).winners == ()
        return
    try:
        elected, rounds = ref.bottoms_up(n, ballots, seats, order, percent, first, cutoff,
                                         minimum, stop)
    except ref.Refused:
        with pytest.raises(InvalidInput, match="minimum_votes is"):
            method.count(profile_of(n, ballots), seats, options)
        return
    outcome = method.count(profile_of(n, ballots), seats, options)
    assert sorted(outcome.winners) == sorted(NAMES[c] for c in elected)
    assert [r.tallies for r in outcome.rounds] == [_named(t) for t in rounds]


@CASES
@given(elections(), st.integers(1, 4))
def test_sequential_irv_matches_reference(
    election: tuple[int, list[tuple[int, ...]], list[int]], seats: int,
) -> None:
    n, ballots, order = election
    seats = min(seats, n)
    outcome = get_method("sequential-irv").count(
        profile_of(n, ballots), seats, _options(order, round_structure="rctab"))
    assert outcome.winners == tuple(NAMES[c] for c in ref.sequential(n, ballots, seats, order))


@CASES
@given(elections())
def test_tiebreak_ask_counts_unless_a_tie_needs_breaking(
    election: tuple[int, list[tuple[int, ...]], list[int]],
) -> None:
    n, ballots, order = election
    profile = profile_of(n, ballots)
    ordered = get_method("irv").count(profile, 1, _options(order, round_structure="rctab"))
    if not _counts(ballots, n):  # no one is elected; a 0-0 tie may be refused on the way
        try:
            asked = get_method("irv").count(profile, 1, {"tiebreak": "ask",
                                                         "round_structure": "rctab"})
        except InvalidInput as refused:
            assert "tiebreak=ask" in str(refused)
        else:
            assert asked.winners == ()
        return
    if ordered.ties:
        with pytest.raises(InvalidInput, match="tiebreak=ask"):
            get_method("irv").count(profile, 1, {"tiebreak": "ask",
                                                 "round_structure": "rctab"})
    else:
        asked = get_method("irv").count(profile, 1, {"tiebreak": "ask",
                                                     "round_structure": "rctab"})
        assert asked.winners == ordered.winners and asked.rounds == ordered.rounds


@given(st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=8, unique=True),
       st.integers(0, 2**40))
def test_java_shuffle_is_a_permutation(names: list[str], seed: int) -> None:
    shuffled = java_shuffle(names, seed)
    assert sorted(shuffled) == sorted(names) and java_shuffle(names, seed) == shuffled


def test_java_shuffle_known_values() -> None:
    # Collections.shuffle(["A", "B", "C", "D"], new Random(0)): nextInt(4)=0, nextInt(3)=0,
    # nextInt(2)=1 (java.util.Random(0): 0.7309..., then these bounded draws)
    from hustings.counting.javarandom import JavaRandom

    rng = JavaRandom(0)
    draws = [rng.next_int(4), rng.next_int(3), rng.next_int(2)]
    expected = ["A", "B", "C", "D"]
    for i, j in zip((3, 2, 1), draws, strict=True):
        expected[i], expected[j] = expected[j], expected[i]
    assert java_shuffle(["D", "C", "B", "A"], 0) == expected
