"""Properties every count must have, on random profiles."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.counting.pairwise import condorcet_winner, matrix
from hustings.counting.profile import Profile
from hustings.counting.registry import all_methods, get_method
from tests.counting.strategies import profiles

RANKED = ["plurality", "two-round", "irv", "stv", "exhaustive", "approval", "borda",
          "schulze", "ranked-pairs", "copeland", "minimax"]


@settings(max_examples=150, deadline=None)
@given(profiles(messy=True))
def test_tallies_and_exhausted_add_up_to_the_ballots(profile: Profile) -> None:
    for name in ("irv", "exhaustive"):
        for r in get_method(name).count(profile).rounds:
            assert sum(r.tallies.values()) + r.exhausted == profile.total
    for seats in (1, 2):
        if seats > len(profile.candidates):
            continue
        for r in get_method("stv").count(profile, seats).rounds:  # exact arithmetic
            assert sum(r.tallies.values(), Fraction(0)) + r.exhausted == profile.total
    first = get_method("plurality").count(profile).rounds[0]
    assert sum(first.tallies.values()) + first.exhausted == profile.total


@settings(max_examples=150, deadline=None)
@given(profiles(messy=True))
def test_fixed_point_stv_loses_only_rounding(profile: Profile) -> None:
    outcome = get_method("stv").count(profile, 1, {"variant": "scottish"})
    for r, lost in zip(outcome.rounds, outcome.extras["residual"], strict=True):
        assert sum(r.tallies.values(), Fraction(0)) + r.exhausted + Fraction(lost) == \
            profile.total
        assert 0 <= Fraction(lost) < Fraction(r.number, 10**4)


@settings(max_examples=150, deadline=None)
@given(profiles(), st.integers(0, 4))
def test_a_majority_candidate_wins(profile: Profile, extra: int) -> None:
    # give candidate 0 a strict majority of first preferences
    n = len(profile.candidates)
    lead = np.full((1, profile.max_ranks), -1, dtype=np.int32)
    lead[0, 0] = 0
    p = Profile(profile.candidates, np.vstack([profile.rankings, lead]),
                np.append(profile.counts, profile.total + 1 + extra))
    for name in ("plurality", "irv", "two-round", "exhaustive"):
        assert get_method(name).count(p).winners == (p.candidates[0],), name
    assert n >= 2


@settings(max_examples=150, deadline=None)
@given(profiles(min_n=3))
def test_a_condorcet_winner_wins_condorcet_methods(profile: Profile) -> None:
    cw = condorcet_winner(matrix(profile))
    if cw is None:
        return
    for name in ("schulze", "ranked-pairs", "copeland", "minimax"):
        assert get_method(name).count(profile).winners == (profile.candidates[cw],), name


def _renamed(profile: Profile, perm: list[int]) -> Profile:
    """The same ballots with candidates relisted in `perm` order and renamed."""
    inverse = np.argsort(perm)
    rankings = profile.rankings.copy()
    marked = rankings >= 0
    rankings[marked] = inverse[rankings[marked]]
    names = tuple(f"X{profile.candidates[c]}" for c in perm)
    return Profile(names, rankings, profile.counts.copy())


@settings(max_examples=120, deadline=None)
@given(profiles(messy=True), st.randoms())
def test_renaming_and_reordering_changes_no_outcome(profile: Profile, rnd) -> None:  # noqa: ANN001
    perm = list(range(len(profile.candidates)))
    rnd.shuffle(perm)
    other = _renamed(profile, perm)
    for name in RANKED:
        a = get_method(name).count(profile)
        b = get_method(name).count(other)
        if a.ties or b.ties:
            continue
        assert tuple(f"X{w}" for w in a.winners) == b.winners, name
        assert [{f"X{k}": v for k, v in r.tallies.items()} for r in a.rounds] == [
            r.tallies for r in b.rounds
        ], name


@settings(max_examples=120, deadline=None)
@given(profiles(messy=True))
def test_compressed_and_uncompressed_profiles_agree(profile: Profile) -> None:
    rows = np.repeat(profile.rankings, profile.counts, axis=0)
    flat = Profile(profile.candidates, rows, np.ones(rows.shape[0], dtype=np.int64))
    for name in RANKED:
        for seats in (1, 2) if name in ("stv", "plurality", "approval", "borda") else (1,):
            if seats > len(profile.candidates):
                continue
            assert get_method(name).count(profile, seats).to_dict() == \
                get_method(name).count(flat, seats).to_dict(), name


def test_every_contract_name_is_registered() -> None:
    names = {m.name for m in all_methods()}
    assert names == {
        "plurality", "two-round", "irv", "stv", "exhaustive", "college", "points", "approval",
        "borda", "schulze", "ranked-pairs", "copeland", "minimax", "confirm", "bottoms-up",
        "sequential-irv",
    }
    for m in all_methods():
        assert m.summary and "\n" not in m.summary
        assert all(o.help for o in m.options), m.name


@settings(max_examples=150, deadline=None)
@given(profiles(messy=True), st.integers(1, 3), st.sampled_from(["droop", "hare"]),
       st.sampled_from(["whole", "fractional"]))
def test_rctab_stv_loses_only_residual_surplus(
    profile: Profile, seats: int, quota: str, rounding: str
) -> None:
    if seats > len(profile.candidates):
        return
    options = {"variant": "rctab", "quota": quota, "quota_rounding": rounding}
    outcome = get_method("stv").count(profile, seats, options)
    if not outcome.winners:  # no ballot counts for anyone: no one is elected (issue 13)
        assert all(v == 0 for v in outcome.rounds[0].tallies.values())
        return
    assert len(outcome.winners) == seats
    for r, lost in zip(outcome.rounds, outcome.extras["residual"], strict=True):
        assert Fraction(lost) >= 0
        assert sum(r.tallies.values(), Fraction(0)) + r.exhausted + Fraction(lost) == \
            profile.total
    rows = np.repeat(profile.rankings, profile.counts, axis=0)
    flat = Profile(profile.candidates, rows, np.ones(rows.shape[0], dtype=np.int64))
    assert get_method("stv").count(flat, seats, options).to_dict() == outcome.to_dict()


@settings(max_examples=150, deadline=None)
@given(profiles(messy=True), st.booleans(), st.booleans())
def test_rctab_irv_adds_up_and_agrees_without_ties(
    profile: Profile, until_two: bool, batch: bool
) -> None:
    options = {"continue_until_two": until_two, "batch_elimination": batch}
    rctab = get_method("irv").count(profile, 1, {**options, "round_structure": "rctab"})
    for r in rctab.rounds:
        assert sum(r.tallies.values()) + r.exhausted == profile.total
    standard = get_method("irv").count(profile, 1, options)
    if not rctab.ties and not standard.ties:
        assert rctab.winners == standard.winners
