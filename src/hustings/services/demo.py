"""The Israeli Labor demo: the three elections built through the same services users call."""

from __future__ import annotations

from pathlib import Path

from hustings.services import elections, members, tallies
from hustings.services.commands import Context
from hustings.services.ports import UnitOfWorkFactory

DEMO_SLUGS = ("labor-2001", "labor-2002", "labor-2003")


def build_demo(uow_factory: UnitOfWorkFactory, folder: Path, actor: str = "demo") -> list[str]:
    """Create, populate and count the demo elections; returns the slugs built."""
    ctx = Context(actor=actor)

    def read(name: str) -> bytes:
        return (folder / name).read_bytes()

    def src(name: str) -> str:
        return f"{folder.name}/{name}"

    for slug in DEMO_SLUGS:
        name = f"{slug}.toml"
        elections.create_election(uow_factory, read(name).decode("utf-8"), src(name), ctx)
    members.import_members(uow_factory, "members", read("members.csv"), src("members.csv"), ctx)
    members.import_members(uow_factory, "central-committee", read("central-committee.csv"),
                           src("central-committee.csv"), ctx)
    for slug in ("labor-2001", "labor-2002"):
        elections.import_precincts(uow_factory, slug, read("precincts.csv"),
                                   src("precincts.csv"), ctx)
    for slug in DEMO_SLUGS:
        elections.freeze_roll(uow_factory, slug, ctx)
    for slug, files in (
        ("labor-2001", ("tally-2001-september-kept.csv", "tally-2001-september-voided.csv")),
        ("labor-2002", ("tally-2002.csv",)),
        ("labor-2003", ("tally-2003.csv",)),
    ):
        for name in files:
            tallies.import_tallies(uow_factory, slug, read(name), src(name), ctx)
    return list(DEMO_SLUGS)
