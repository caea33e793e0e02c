"""Elections of every rule built through the services, for the tests of tests/elections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hustings.services import ballots, elections, lifecycle, members
from hustings.services.commands import Context
from tests import identities as ids


def committee(factory: Any) -> Context:
    """The election committee: the test administrator, signed in."""
    return ids.ctx(factory)


def clerk(factory: Any, i: int) -> Context:
    """Clerk `clerk-a` (0) or `clerk-b` (1) ... signed in: different users."""
    return ids.ctx(factory, f"clerk-{'abcdef'[i]}")


def toml(
    slug: str,
    method: str,
    candidates: Sequence[tuple[str, str]],
    precincts: Sequence[tuple[str, str] | tuple[str, str, str]],
    *,
    seats: int = 1,
    office_seats: int = 1,
    rules: str = "seed = 1",
    extra: str = "",
    returns: str | None = None,
    kind: str = "regular",
    day: str = "2024-03-01",
    office: str | None = None,
) -> str:
    """A TOML definition (docs/election-definition.md)."""
    cands = "\n".join(f'[[candidates]]\nkey = "{k}"\nname = "{n}"' for k, n in candidates)
    precs = []
    for p in precincts:
        line = f'[[precincts]]\ncode = "{p[0]}"\nname = "{p[1]}"'
        if len(p) == 3:
            line += f'\nsection = "{p[2]}"'
        precs.append(line)
    returns_line = f'returns = "{returns}"' if returns else ""
    return f"""
[organisation]
slug = "party"
name = "The Party"
[office]
slug = "{office or 'office-' + slug}"
name = "Office of {office or slug}"
seats = {office_seats}
[body]
slug = "members"
name = "Members"
[election]
slug = "{slug}"
title = "Election {slug}"
kind = "{kind}"
method = "{method}"
seats = {seats}
{returns_line}
[eligibility]
cutoff = {day[:4]}-01-01
[timetable]
polling_day = {day}
{cands}
{chr(10).join(precs)}
{extra}
[rules]
{rules}
"""


def members_csv(per_precinct: Mapping[str, int], prefix: str = "") -> bytes:
    lines = ["member_id,name,joined,standing,precinct"]
    for code, n in per_precinct.items():
        lines += [f"{prefix}{code}-{i},Member {code} {i},2000-01-01,good,{code}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def open_election(
    factory: Any,
    text: str,
    roll: Mapping[str, int],
    bodies: Iterable[tuple[str, Mapping[str, int]]] = (),
    with_members: bool = True,
) -> str:
    """Create the election, import members (the main body, or each section's; not again
    when `with_members` is false), freeze the roll and open voting."""
    election = elections.create_election(factory, text, "def.toml", committee(factory))
    given = (list(bodies) or [("members", roll)]) if with_members else []
    for body, per_precinct in given:
        members.import_members(
            factory, body, members_csv(per_precinct, body + "-"), f"{body}.csv", committee(factory)
        )
    elections.freeze_roll(factory, election.slug, committee(factory))
    for step in ("nominations", "voting"):
        lifecycle.advance(factory, election.slug, step, committee(factory))
    return election.slug


def cvr(rows: Iterable[tuple[str, Sequence[str], int]], ranks: int = 3) -> bytes:
    """A CSV CVR: (precinct, ranking names, how many ballots)."""
    lines = ["Precinct," + ",".join(f"rank{i + 1}" for i in range(ranks)) + ",weight"]
    for precinct, ranking, n in rows:
        cells = list(ranking) + [""] * (ranks - len(ranking))
        lines.append(",".join([precinct, *cells, str(n)]))
    return ("\n".join(lines) + "\n").encode()


def import_twice(
    factory: Any, slug: str, data: bytes, poll: str = "initial", **kwargs: Any
) -> ballots.BatchImport:
    """Two clerks import the same file: its precincts' ballots count."""
    ballots.import_ballots(factory, slug, data, "cvr.csv", clerk(factory, 0), poll=poll, **kwargs)
    return ballots.import_ballots(
        factory, slug, data, "cvr.csv", clerk(factory, 1), poll=poll, **kwargs
    )
