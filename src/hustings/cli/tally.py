"""`hustings tally import` and `hustings tally enter`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from hustings.cli.context import acting, console, read_file, signer, uow
from hustings.domain.double_entry import Reconciliation
from hustings.domain.errors import InvalidInput, PermissionDenied, Problem
from hustings.domain.polling import TallySheet
from hustings.services.commands import Context
from hustings.services.elections import INITIAL_POLL
from hustings.services.identity import Signer
from hustings.services.queries import get_election, precinct_statuses
from hustings.services.tallies import enter_tally, import_tallies

tally_app = typer.Typer(help="Precinct tally sheets.", no_args_is_help=True)


@tally_app.command("import")
def import_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
               file: Path = typer.Argument(..., help="CSV: precinct,registered,ballots_cast,"
                                                     "<candidates...>,blank,invalid."),
               poll: str = typer.Option(INITIAL_POLL, help="Poll the sheets belong to."),
               clerk: str = typer.Option(None, help="Optional check: must be the user you run "
                                         "as (--user), who is the clerk."),
               reason: str = typer.Option(None, help="Reason, when this corrects earlier "
                                          "entries.")) -> None:
    """Import precinct tally sheets from CSV as your entries (you, --user, are the clerk).

    A sheet counts once a second clerk, another user, has entered the same figures.
    Example: hustings tally import labor-2002 examples/israeli-labor/tally-2002.csv
    (with HUSTINGS_USER=clerk-dana, or hustings --user clerk-dana tally import ...)
    """
    who = as_clerk(ctx, clerk)
    n = import_tallies(uow(ctx), election, read_file(file), str(file), who,
                       poll=poll, reason=reason)
    console.print(f"stored {n} tally sheet entries by {who.actor} for {election} ({poll})")


def as_clerk(ctx: typer.Context, clerk: str | None) -> Context:
    """The clerk is the authenticated user; --clerk may only repeat that name."""
    me: Signer = signer(ctx)
    if clerk is not None and clerk != me.username:
        raise PermissionDenied(f"--clerk {clerk} is not you ({me.username}): the clerk of a "
                               "sheet is the user who enters it; the second entry must be "
                               f"made by {clerk} signing in as themselves")
    return acting(ctx)


@tally_app.command("enter")
def enter_cmd(
    ctx: typer.Context,
    election: str = typer.Argument(..., help="Slug."),
    precinct: str = typer.Option(..., prompt=True, help="Precinct code."),
    registered: int = typer.Option(..., prompt=True, help="Registered voters on the sheet."),
    ballots_cast: int = typer.Option(..., prompt=True, help="Ballots cast."),
    votes: list[str] = typer.Option(None, "--votes", help="CANDIDATE=N, once per candidate "
                                    "(prompted when omitted)."),
    blank: int = typer.Option(..., prompt=True),
    invalid: int = typer.Option(..., prompt=True),
    poll: str = typer.Option(INITIAL_POLL, help="Poll the sheet belongs to."),
    clerk: str = typer.Option(None, help="Optional check: must be the user you run as."),
    reason: str = typer.Option(None, help="Reason, when this corrects an earlier entry."),
) -> None:
    """Enter one precinct's tally sheet, by flags or at the prompts.

    Example: hustings tally enter labor-2002 --precinct TLV --registered 100 --ballots-cast 60
    --votes mitzna=30 --votes ben-eliezer=20 --votes ramon=8 --blank 1 --invalid 1
    """
    factory = uow(ctx)
    who = as_clerk(ctx, clerk)
    counts: dict[str, int] = {}
    if votes:
        for item in votes:
            key, sep, value = item.partition("=")
            if not sep or not value.strip().lstrip("-").isdigit():
                raise InvalidInput(Problem(f"{item!r} is not CANDIDATE=N", "--votes"))
            counts[key.strip()] = int(value)
    else:
        for c in get_election(factory, election).candidates:
            counts[c.key] = typer.prompt(f"votes for {c.name} ({c.key})", type=int)
    sheet = TallySheet(poll, precinct, registered, ballots_cast, counts, blank, invalid)
    status = enter_tally(factory, election, sheet, who, reason)
    console.print(f"sheet of {precinct} for {election} ({poll}) by {who.actor}: {status}")


@tally_app.command("status")
def status_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")) -> None:
    """Each precinct's sheet: accepted, awaiting a second entry, or a field-by-field mismatch.

    Example: hustings tally status labor-2002
    """
    table = Table("round", "poll", "precinct", "status", "clerks", "mismatch")
    for r, p in precinct_statuses(uow(ctx), election):
        rec = p.reconciliation
        if not isinstance(rec, Reconciliation):
            continue
        mismatch = "; ".join(f"{f}: {a} ≠ {b}" for f, (a, b) in rec.mismatches.items())
        table.add_row(str(r), p.poll, f"{p.code} {p.name}", rec.status, ", ".join(rec.clerks),
                      mismatch)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(tally_app, name="tally")
