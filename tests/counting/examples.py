"""The small worked examples of docs/rules/, shared by the tests."""

from __future__ import annotations

from hustings.counting.profile import Profile

A, B, C, D = 0, 1, 2, 3

# 21 ballots: 8 A>B>C, 6 B>C>A, 5 C>B>A, 2 D>C
FOUR = Profile.from_ballots(
    ["Alice", "Bob", "Carol", "Dan"],
    [[A, B, C], [B, C, A], [C, B, A], [D, C]],
    [8, 6, 5, 2],
)

# 23 ballots, 2 seats: 9 A>B>C, 2 A>C, 4 B>C, 5 C>B, 3 D>C
STV_EXAMPLE = Profile.from_ballots(
    ["Alice", "Bob", "Carol", "Dan"],
    [[A, B, C], [A, C], [B, C], [C, B], [D, C]],
    [9, 2, 4, 5, 3],
)
