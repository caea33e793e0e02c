"""Random ballot profiles for property tests and cross-checks."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from hustings.counting.profile import EMPTY, OVERVOTE, Profile

NAMES = ("Ada", "Ben", "Cy", "Di", "Ed", "Flo", "Gus")


def random_ballots(rng: random.Random, n: int, size: int, messy: bool) -> list[tuple[int, ...]]:
    """`size` ballots over n candidates; with `messy`, blanks, overvotes and repeats appear."""
    out = []
    for _ in range(size):
        order = rng.sample(range(n), rng.randint(0 if messy else 1, n))
        if messy and order and rng.random() < 0.3:
            i = rng.randrange(len(order) + 1)
            order.insert(i, rng.choice([EMPTY, EMPTY, OVERVOTE, order[0]]))
        out.append(tuple(order))
    return out


def profile_of(n: int, ballots: list[tuple[int, ...]]) -> Profile:
    return Profile.from_ballots(NAMES[:n], ballots, max_ranks=max(1, *map(len, ballots)))


@st.composite
def profiles(draw: st.DrawFn, min_n: int = 2, max_n: int = 5, messy: bool = False) -> Profile:
    """A hypothesis strategy of small profiles."""
    n = draw(st.integers(min_n, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    size = draw(st.integers(1, 40))
    return profile_of(n, random_ballots(random.Random(seed), n, size, messy))
