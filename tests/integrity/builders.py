"""A small election built through the services, and helpers shared by the integrity tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

import tests.identities as ids
from hustings.domain.polling import TallySheet
from hustings.services import elections, lifecycle, members, tallies
from hustings.storage import tables as t
from tests.cli_runner import run_cli

SLUG = "pres-2024"
CLERKS = ("clerk-a", "clerk-b")

DEFINITION = """
[organisation]
slug = "union"
name = "The Union"
[office]
slug = "president"
name = "President"
[body]
slug = "members"
name = "Members"
[election]
slug = "{slug}"
title = "Presidential election 2024"
method = "{method}"
[eligibility]
cutoff = 2024-01-01
min_months = 12
[timetable]
polling_day = 2024-03-01
{runoff}
{candidates}
{precincts}
{rules}
"""


def definition(slug: str = SLUG, candidates: tuple[str, ...] = ("ann", "bob"),
               precincts: tuple[str, ...] = ("N", "S", "E"), method: str = "plurality",
               runoff_day: str | None = None, rules: str = "") -> str:
    """A TOML election definition (see docs/election-definition.md)."""
    cands = "\n".join(f'[[candidates]]\nkey = "{k}"\nname = "{k.title()} {k.upper()}"'
                      for k in candidates)
    precs = "\n".join(f'[[precincts]]\ncode = "{c}"\nname = "Precinct {c}"' for c in precincts)
    return DEFINITION.format(slug=slug, method=method, candidates=cands, precincts=precs,
                             runoff=f"runoff_day = {runoff_day}" if runoff_day else "",
                             rules=f"[rules]\n{rules}" if "seed" in rules else
                             f"[rules]\nseed = 1\n{rules}")


def members_csv(per_precinct: Mapping[str, int]) -> bytes:
    lines = ["member_id,name,joined,standing,precinct"]
    for code, n in per_precinct.items():
        lines += [f"{code}{i:06d},Member {code}{i},2020-01-01,good,{code}" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


def build(uow_factory: Any, roll: Mapping[str, int] | None = None,
          at: datetime | None = None, **kwargs: Any) -> str:
    """Create the election, import its members, freeze the roll and open voting (the entries
    dated `at`, when given, for tests that date later entries in the past)."""
    roll = roll or {"N": 10, "S": 10, "E": 10}
    text = definition(precincts=tuple(roll), **kwargs)
    committee = ids.ctx(uow_factory, "committee", now=at)
    election = elections.create_election(uow_factory, text, "def.toml", committee)
    members.import_members(uow_factory, "members", members_csv(roll), "members.csv", committee)
    elections.freeze_roll(uow_factory, election.slug, committee)
    for step in ("nominations", "voting"):
        lifecycle.advance(uow_factory, election.slug, step, committee)
    return election.slug


def sheet(precinct: str, votes: dict[str, int], registered: int = 10, poll: str = "initial",
          blank: int = 0, invalid: int = 0) -> TallySheet:
    cast = sum(votes.values()) + blank + invalid
    return TallySheet(poll, precinct, registered, cast, votes, blank, invalid)


def enter_both(uow_factory: Any, slug: str, *sheets: TallySheet,
               at: datetime | None = None) -> None:
    """Both clerks enter the same figures, so each sheet counts."""
    for s in sheets:
        for clerk in CLERKS:
            tallies.enter_tally(uow_factory, slug, s, ids.ctx(uow_factory, clerk, now=at))


def report_all(uow_factory: Any, slug: str = SLUG) -> None:
    """Every precinct reports: Ann wins 18 to 9."""
    enter_both(uow_factory, slug, sheet("N", {"ann": 8, "bob": 1}),
               sheet("S", {"ann": 5, "bob": 4}), sheet("E", {"ann": 5, "bob": 4}))


def table_counts(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in t.metadata.tables.items()}


def sheet_rows(engine: Any, precinct: str, election: str = SLUG) -> list[dict[str, Any]]:
    """Every stored entry of a precinct's sheet, oldest first (corrections and voided too)."""
    stmt = (select(t.tally_sheets, t.polls.c.key.label("poll"))
            .join(t.precincts, t.precincts.c.id == t.tally_sheets.c.precinct_id)
            .join(t.polls, t.polls.c.id == t.tally_sheets.c.poll_id)
            .join(t.elections, t.elections.c.id == t.precincts.c.election_id)
            .where(t.precincts.c.code == precinct, t.elections.c.slug == election)
            .order_by(t.tally_sheets.c.id))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


cli = run_cli
