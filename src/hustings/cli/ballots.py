"""`hustings ballots import` and `hustings ballots status`: precincts' cast vote records."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from hustings.cli.context import console, read_file, uow
from hustings.cli.tally import as_clerk
from hustings.domain.double_entry import BatchReconciliation
from hustings.services.ballots import confirm_ballots, import_ballots
from hustings.services.elections import INITIAL_POLL
from hustings.services.queries import precinct_statuses

ballots_app = typer.Typer(help="Precincts' ballots (cast vote records).", no_args_is_help=True)


@ballots_app.command("import")
def import_cmd(
    ctx: typer.Context,
    election: str = typer.Argument(..., help="Slug."),
    file: Path = typer.Argument(..., help="CVR file: CSV with a Precinct column and rank1, "
                                "rank2, … columns; or any ballot file (CSV, BLT, PrefLib, ABIF, "
                                "NIST SP 1500-103 JSON, Clear Ballot CSV, a Dominion export "
                                "zipped) with --precinct."),
    poll: str = typer.Option(INITIAL_POLL, help="Poll the ballots were cast in."),
    precinct: str = typer.Option(None, help="The precinct of every ballot in the file (for "
                                 "files without a Precinct column)."),
    section: str = typer.Option(None, help="An electoral college's section: every precinct "
                                "in the file must belong to it."),
    input_format: str = typer.Option("auto", "--input-format", "-i",
                                     help="auto, csv, blt, preflib, abif, nist, clearballot, "
                                     "dominion."),
    clerk: str = typer.Option(None, help="Optional check: must be the user you run as "
                              "(--user), who is the clerk."),
    reason: str = typer.Option(None, help="Reason, when this replaces an earlier import."),
) -> None:
    """Import cast vote records as one clerk's return for each precinct they cover.

    A precinct's ballots count once a second clerk has imported identical ballots.
    Example: hustings --user clerk-dana ballots import mpls-2017 2017-mayor-cvr.csv
    """
    who = as_clerk(ctx, clerk)
    done = import_ballots(uow(ctx), election, read_file(file), str(file), who,
                          poll=poll, precinct=precinct, section=section, fmt=input_format,
                          reason=reason)
    total = sum(done.ballots.values())
    console.print(f"stored {total:,} ballots in {len(done.ballots)} precinct(s) by {who.actor} for "
                  f"{election} ({done.poll})")
    for code, n in done.ballots.items():
        console.print(f"  {code}: {n:,} ballots — {done.status.get(code, 'stored')}")


@ballots_app.command("confirm")
def confirm_cmd(
    ctx: typer.Context,
    election: str = typer.Argument(..., help="Slug."),
    precinct: str = typer.Option(..., help="Precinct code."),
    ballots_cast: int = typer.Option(..., help="Ballots cast, from the precinct's paper count."),
    poll: str = typer.Option(INITIAL_POLL, help="Poll the ballots were cast in."),
    clerk: str = typer.Option(None, help="Optional check: must be the user you run as "
                              "(--user), who counted."),
    reason: str = typer.Option(None, help="Reason, when this corrects an earlier count."),
) -> None:
    """Confirm another clerk's import with the paper count of ballots cast.

    One import matched by a different clerk's count of the same number of ballots counts, as
    two identical imports do.
    Example: hustings ballots confirm mpls-2017 --precinct "MINNEAPOLIS W-1 P-01" --ballots-cast 812
    """
    who = as_clerk(ctx, clerk)
    status = confirm_ballots(uow(ctx), election, precinct, ballots_cast, who, poll=poll,
                             reason=reason)
    console.print(f"ballots cast in {precinct} for {election} ({poll}) counted by {who.actor}: "
                  f"{status}")


@ballots_app.command("status")
def status_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")) -> None:
    """Each precinct's ballots: accepted, awaiting a second import, or which rankings differ.

    Example: hustings ballots status mpls-2017
    """
    table = Table("round", "poll", "precinct", "status", "clerks", "ballots", "differences")
    for r, p in precinct_statuses(uow(ctx), election):
        rec = p.reconciliation
        if not isinstance(rec, BatchReconciliation):
            continue
        diff = "; ".join(f"{words}: {a} ≠ {b}" for words, a, b in rec.differing[:10])
        if len(rec.differing) > 10:
            diff += f"; … {len(rec.differing) - 10} more"
        if rec.differing:
            diff = f"{rec.ballots_differing} ballot(s) differ: {diff}"
        table.add_row(str(r), p.poll, f"{p.code} {p.name}", rec.status, ", ".join(rec.clerks),
                      " / ".join(f"{n:,}" for n in rec.ballots), diff)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(ballots_app, name="ballots")
