"""The fast engine against the slow, obvious reference on thousands of random profiles."""

from __future__ import annotations

import random

import pytest

from hustings.counting.registry import get_method
from tests.counting import reference
from tests.counting.strategies import NAMES, profile_of, random_ballots


def _order(n: int) -> dict[str, object]:
    return {"tiebreak": "permutation", "order": list(NAMES[:n])}


@pytest.mark.parametrize("block", range(4))
def test_irv_matches_reference(block: int) -> None:
    rng = random.Random(1000 + block)
    for _ in range(500):
        n = rng.randint(2, 6)
        ballots = random_ballots(rng, n, rng.randint(1, 60), messy=True)
        outcome = get_method("irv").count(profile_of(n, ballots), 1, _order(n))
        winner, rounds = reference.irv(n, ballots)
        if not any(rounds[0].values()):  # no ballot counts for anyone: no one is elected
            assert outcome.winners == ()
            continue
        assert outcome.winners == (NAMES[winner],)
        assert [r.tallies for r in outcome.rounds] == [
            {NAMES[c]: v for c, v in t.items()} for t in rounds
        ]


@pytest.mark.parametrize("decimals", [None, 5, 2])
def test_wigm_matches_reference(decimals: int | None) -> None:
    rng = random.Random(7 if decimals is None else decimals)
    for _ in range(400):
        n = rng.randint(2, 7)
        seats = rng.randint(1, n)
        ballots = random_ballots(rng, n, rng.randint(1, 60), messy=True)
        options = {**_order(n), "decimals": decimals}
        outcome = get_method("stv").count(profile_of(n, ballots), seats, options)
        elected, stages = reference.wigm(n, ballots, seats, decimals)
        if not any(stages[0].values()):  # no ballot counts for anyone: no one is elected
            assert outcome.winners == ()
            continue
        assert outcome.winners == tuple(NAMES[c] for c in elected)
        assert [r.tallies for r in outcome.rounds] == [
            {NAMES[c]: v for c, v in s.items()} for s in stages
        ]
