"""A small union election for the web tests, built through the real services."""

from __future__ import annotations

from pathlib import Path

import tests.identities as ids
from hustings.services import elections, members, tallies
from hustings.services.ports import UnitOfWorkFactory

DATA = Path(__file__).parent / "data"
PASSWORD = ids.PASSWORD
ROLES = ("administrator", "clerk", "observer")
SLUG = "union-2024"
UPCOMING = "union-2026"


def seed(uow_factory: UnitOfWorkFactory) -> None:
    """union-2024: roll frozen, N and S reported, E waiting. union-2026: defined only.
    One user per role, named after it, all with PASSWORD."""
    ctx = ids.ctx(uow_factory, "seed")
    for name in (f"{SLUG}.toml", f"{UPCOMING}.toml"):
        elections.create_election(uow_factory, (DATA / name).read_text("utf-8"),
                                  f"data/{name}", ctx)
    members.import_members(uow_factory, "members", (DATA / "members.csv").read_bytes(),
                           "data/members.csv", ctx)
    elections.freeze_roll(uow_factory, SLUG, ctx)
    open_voting(uow_factory, SLUG)
    tallies.import_tallies(uow_factory, SLUG, (DATA / "tally-2024.csv").read_bytes(),
                           "data/tally-2024.csv", ctx)
    for role in ROLES:
        ids.signer(uow_factory, role, role)


def open_voting(uow_factory: UnitOfWorkFactory, slug: str) -> None:
    """Draft -> nominations -> voting, through the lifecycle service."""
    from hustings.services.lifecycle import advance

    for target in ("nominations", "voting"):
        advance(uow_factory, slug, target, ids.ctx(uow_factory, "seed"))


DOUBLE = "union-2024-double"


def seed_double_entry(uow_factory: UnitOfWorkFactory) -> None:
    """After `seed`: DOUBLE, union-2024 again but every sheet needs two clerks' entries;
    roll frozen, voting open, no sheet entered."""
    text = (DATA / f"{SLUG}.toml").read_text("utf-8")
    text = text.replace(f'slug = "{SLUG}"', f'slug = "{DOUBLE}"').replace(
        "sheet_entries = 1", "sheet_entries = 2")
    ctx = ids.ctx(uow_factory, "seed")
    elections.create_election(uow_factory, text, "data/double.toml", ctx)
    elections.freeze_roll(uow_factory, DOUBLE, ctx)
    open_voting(uow_factory, DOUBLE)
