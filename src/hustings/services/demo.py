"""The Israeli Labor demo: the three elections built through the same services users call.

2001 plays the whole story: the September poll, a dispute, a ruling voiding four precincts, the
re-vote of 26 December and the reversal of the winner; 2002 follows; Mitzna resigns and the
office is vacant until the interim election of 2003; 2007 is decided
in a runoff that the two-round rule opens itself. Every sheet is
entered by two clerks, as the rules require.

Its users: the administrator `returning-officer` and the clerks `clerk-dana` and `clerk-yossi`,
all with the demo password (HUSTINGS_DEMO_PASSWORD, default `demo-password`). That password is
published, so it is let through the password policy here, and only here (`policy=False`); a
real installation's users are created with `hustings init --admin` and `hustings user add`,
which apply it. Every entry the demo makes is signed by one of these three.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hustings.services import disputes, elections, lifecycle, members, tallies
from hustings.services.commands import as_user
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.users import authenticate, create_user, init_admin

DEMO_SLUGS = ("labor-2001", "labor-2002", "labor-2003", "labor-2007")
ADMINISTRATOR = "returning-officer"
CLERKS = ("clerk-dana", "clerk-yossi")
DEFAULT_PASSWORD = "demo-password"
VOIDED_2001 = ["NZR", "KSH", "DMN", "AKO"]  # illustrative: which precincts the ruling voided


def demo_users(uow_factory: UnitOfWorkFactory, password: str) -> tuple[Signer, list[Signer]]:
    """The demo's administrator and clerks, created on a database without users (signed in
    with the demo password where they exist already)."""
    with uow_factory() as uow:
        existing = {u.username for u in uow.users.all()}
    if existing:
        admin = authenticate(uow_factory, ADMINISTRATOR, password)
    else:
        admin = init_admin(uow_factory, ADMINISTRATOR, password, policy=False)
    clerks = []
    for name in CLERKS:
        if name not in existing:
            create_user(uow_factory, name, password, "clerk", as_user(admin), policy=False)
        clerks.append(authenticate(uow_factory, name, password))
    return admin, clerks


def build_demo(uow_factory: UnitOfWorkFactory, folder: Path,
               password: str = DEFAULT_PASSWORD) -> list[str]:
    """Create, populate, count and certify the demo elections; returns their slugs."""
    admin, clerks = demo_users(uow_factory, password)
    ctx = committee = as_user(admin)

    def read(name: str) -> bytes:
        return (folder / name).read_bytes()

    def src(name: str) -> str:
        return f"{folder.name}/{name}"

    def sheets(slug: str, name: str, poll: str = "initial") -> None:
        for clerk in clerks:
            tallies.import_tallies(uow_factory, slug, read(name), src(name),
                                   as_user(clerk), poll=poll)

    for slug in DEMO_SLUGS:
        name = f"{slug}.toml"
        elections.create_election(uow_factory, read(name).decode("utf-8"), src(name), committee)
    members.import_members(uow_factory, "members", read("members.csv"), src("members.csv"), ctx)
    members.import_members(uow_factory, "central-committee", read("central-committee.csv"),
                           src("central-committee.csv"), ctx)
    for slug in ("labor-2001", "labor-2002", "labor-2007"):
        elections.import_precincts(uow_factory, slug, read("precincts.csv"),
                                   src("precincts.csv"), committee)
    for slug in DEMO_SLUGS:
        elections.freeze_roll(uow_factory, slug, committee)
        for step in ("nominations", "voting"):
            lifecycle.advance(uow_factory, slug, step, committee)

    # 2001: September vote, Burg ahead by 1,088 and certified.
    sheets("labor-2001", "tally-2001-september-kept.csv")
    sheets("labor-2001", "tally-2001-september-voided.csv")
    lifecycle.certify(uow_factory, "labor-2001", committee, on=date(2001, 9, 4))
    # A dispute, a ruling voiding four precincts, and their re-vote on 26 December.
    number = disputes.file_dispute(
        uow_factory, "labor-2001", "initial", VOIDED_2001,
        "Alleged irregularities in the vote of 4 September in these precincts.",
        committee, [("evidence-2001-dispute.txt", read("evidence-2001-dispute.txt"))],
        on=date(2001, 9, 6),  # illustrative: the seed gives no filing date
        filed_by="ben-eliezer-campaign")
    disputes.rule(uow_factory, "labor-2001", number, "void-and-revote",
                  "Irregularities established; the vote in these precincts is void and is held "
                  "again.", committee, revote_day=date(2001, 12, 26),
                  on=date(2001, 11, 1))
    sheets("labor-2001", "tally-2001-december-revote.csv", poll=f"revote-{number}")
    lifecycle.certify(uow_factory, "labor-2001", committee, on=date(2001, 12, 26))

    # 2002 and 2003.
    sheets("labor-2002", "tally-2002.csv")
    lifecycle.certify(uow_factory, "labor-2002", committee, on=date(2002, 11, 19))
    # Mitzna resigns after the Knesset election of 28 January 2003 (the 2003 article: "quickly
    # after this defeat"; the 2002 article names May): the office is vacant until the Central
    # Committee's interim election of 19 June. The day, 4 May, is not in the articles.
    lifecycle.end_tenure(uow_factory, "israeli-labor", "leader", "Amram Mitzna",
                         date(2003, 5, 4), "resigned as party leader", committee)
    sheets("labor-2003", "tally-2003.csv")
    lifecycle.certify(uow_factory, "labor-2003", committee, on=date(2003, 6, 19))

    # 2007: nobody reaches 40% on 28 May; the rule opens the runoff of 12 June itself.
    sheets("labor-2007", "tally-2007-first-round.csv")
    sheets("labor-2007", "tally-2007-runoff.csv", poll="runoff")
    lifecycle.certify(uow_factory, "labor-2007", committee, on=date(2007, 6, 12))
    return list(DEMO_SLUGS)
