"""Electoral colleges and points per district, run as elections, against an independent slow
implementation written here (per-ballot loops, exact fractions)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from hustings.services.count import count_election
from hustings.services.results import published_result
from tests.elections.builders import cvr, import_twice, open_election, toml

NAMES = ("Ann Able", "Bob Baker", "Cy Cole", "Dee Dunn")
CANDIDATES = tuple((n.split()[0].lower(), n) for n in NAMES)

Ballot = tuple[str, ...]


def reference_rounds(
    groups: Sequence[tuple[Fraction, Sequence[Ballot]]], total: Fraction
) -> list[dict[str, Fraction]] | None:
    """Instant-runoff rounds over weighted groups of ballots: each group's `weight` is shared
    among the continuing candidates in proportion to its ballots' first continuing choices;
    more than half of `total` wins. None when a tie for last place would need a tie-break."""
    continuing = list(NAMES)
    rounds: list[dict[str, Fraction]] = []
    while True:
        combined = {c: Fraction(0) for c in continuing}
        for weight, ballots in groups:
            votes = {c: 0 for c in continuing}
            for ballot in ballots:
                for choice in ballot:
                    if choice in votes:
                        votes[choice] += 1
                        break
            counted = sum(votes.values())
            if counted:
                for c in continuing:
                    combined[c] += weight * Fraction(votes[c], counted)
        rounds.append(combined)
        best = max(combined.values())
        leaders = [c for c in continuing if combined[c] == best]
        if len(continuing) == 1 or (best * 2 > total and len(leaders) == 1):
            return rounds
        low = min(combined.values())
        lowest = [c for c in continuing if combined[c] == low]
        if len(lowest) > 1:
            return None
        continuing.remove(lowest[0])


def generated(rng: random.Random, n: int) -> list[Ballot]:
    out = []
    for _ in range(n):
        order = list(NAMES)
        rng.shuffle(order)
        out.append(tuple(order[: rng.randint(1, len(NAMES))]))
    return out


def engine_rounds(factory: Any, slug: str) -> list[dict[str, Fraction]]:
    with factory() as uow:
        outcome = count_election(uow, slug).final.outcome
    assert outcome is not None
    return [{c: Fraction(v) for c, v in r.tallies.items()} for r in outcome.rounds]


SECTIONS = """
[[sections]]
key = "mps"
name = "MPs and MEPs"
body = "plp-{n}"
weight = "1/3"
[[sections]]
key = "members"
name = "Members"
body = "members-{n}"
weight = "1/3"
[[sections]]
key = "affiliates"
name = "Affiliates"
body = "affiliates-{n}"
weight = "1/3"
"""


def test_an_electoral_college_matches_the_slow_reference(uow_factory: Any) -> None:
    compared = 0
    for n in range(6):
        rng = random.Random(n)
        sizes = {
            "P": rng.randint(5, 25),
            "M1": rng.randint(20, 60),
            "M2": rng.randint(20, 60),
            "A": rng.randint(10, 40),
        }
        precincts = (
            ("P", "Parliament", "mps"),
            ("M1", "Members north", "members"),
            ("M2", "Members south", "members"),
            ("A", "Affiliates", "affiliates"),
        )
        ballots = {code: generated(rng, size) for code, size in sizes.items()}
        slug = open_election(
            uow_factory,
            toml(f"college-{n}", "college", CANDIDATES, precincts, extra=SECTIONS.format(n=n)),
            {},
            bodies=[
                (f"plp-{n}", {"P": sizes["P"]}),
                (f"members-{n}", {"M1": sizes["M1"], "M2": sizes["M2"]}),
                (f"affiliates-{n}", {"A": sizes["A"]}),
            ],
        )
        rows = [(code, b, 1) for code, bs in ballots.items() for b in bs]
        import_twice(uow_factory, slug, cvr(rows, ranks=4))
        third = Fraction(100, 3)
        want = reference_rounds(
            [(third, ballots["P"]), (third, ballots["M1"] + ballots["M2"]), (third, ballots["A"])],
            Fraction(100),
        )
        result = published_result(uow_factory, slug)
        sections = {s["key"]: s for s in result["sections"]}
        assert sections["members"]["ballots_cast"] == sizes["M1"] + sizes["M2"]
        assert sections["mps"]["registered"] == sizes["P"] and sections["mps"]["weight"] == "1/3"
        if want is None:
            continue
        assert engine_rounds(uow_factory, slug) == want, f"seed {n}"
        assert result["winners"] == [max(want[-1], key=want[-1].__getitem__)]
        compared += 1
    assert compared >= 4


def test_points_per_district_match_the_slow_reference(uow_factory: Any) -> None:
    compared = 0
    for n in range(6):
        rng = random.Random(100 + n)
        districts = {f"D{i}": (rng.randint(10, 50), rng.choice((100, 100, 150))) for i in range(5)}
        lines = "\n".join(
            f'[[precincts]]\ncode = "{code}"\nname = "Riding {code}"\npoints = {points}'
            for code, (_, points) in districts.items()
        )
        slug = open_election(
            uow_factory,
            toml(f"points-{n}", "points", CANDIDATES, (), extra=lines),
            {code: 60 for code in districts},
            with_members=n == 0,
        )
        ballots = {code: generated(rng, size) for code, (size, _) in districts.items()}
        rows = [(code, b, 1) for code, bs in ballots.items() for b in bs]
        import_twice(uow_factory, slug, cvr(rows, ranks=4))
        total = Fraction(sum(p for _, p in districts.values()))
        want = reference_rounds(
            [(Fraction(points), ballots[code]) for code, (_, points) in districts.items()], total
        )
        if want is None:
            continue
        assert engine_rounds(uow_factory, slug) == want, f"seed {n}"
        compared += 1
    assert compared >= 4
