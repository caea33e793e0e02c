"""`hustings tally import` and `hustings tally enter`."""

from __future__ import annotations

from pathlib import Path

import typer

from hustings.cli.context import console, read_file, uow
from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.polling import TallySheet
from hustings.services.commands import Context
from hustings.services.elections import INITIAL_POLL
from hustings.services.queries import get_election
from hustings.services.tallies import enter_tally, import_tallies

tally_app = typer.Typer(help="Precinct tally sheets.", no_args_is_help=True)


@tally_app.command("import")
def import_cmd(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
               file: Path = typer.Argument(..., help="CSV: precinct,registered,ballots_cast,"
                                                     "<candidates...>,blank,invalid."),
               poll: str = typer.Option(INITIAL_POLL, help="Poll the sheets belong to."),
               clerk: str = typer.Option("cli", help="Who entered the sheets.")) -> None:
    """Import precinct tally sheets from CSV.

    Example: hustings tally import labor-2002 examples/israeli-labor/tally-2002.csv
    """
    n = import_tallies(uow(ctx), election, read_file(file), str(file), Context(actor=clerk),
                       poll=poll)
    console.print(f"accepted {n} tally sheets for {election} ({poll})")


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
    clerk: str = typer.Option("cli", help="Who entered the sheet."),
) -> None:
    """Enter one precinct's tally sheet, by flags or at the prompts.

    Example: hustings tally enter labor-2002 --precinct TLV --registered 100 --ballots-cast 60
    --votes mitzna=30 --votes ben-eliezer=20 --votes ramon=8 --blank 1 --invalid 1
    """
    factory = uow(ctx)
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
    enter_tally(factory, election, sheet, Context(actor=clerk))
    console.print(f"accepted the sheet of {precinct} for {election} ({poll})")


def register(app: typer.Typer) -> None:
    app.add_typer(tally_app, name="tally")
