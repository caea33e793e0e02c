"""`hustings init`, `election create`, `precincts import`, `roll freeze`, `elections`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from hustings.cli.context import (
    PASSWORD_ENV,
    acting,
    console,
    container,
    read_file,
    read_password,
    uow,
)
from hustings.services import elections as svc
from hustings.services.queries import list_elections
from hustings.services.users import init_admin

election_app = typer.Typer(help="Define elections.", no_args_is_help=True)
precincts_app = typer.Typer(help="Polling stations of an election.", no_args_is_help=True)
roll_app = typer.Typer(help="The frozen roll of an election.", no_args_is_help=True)


def init(ctx: typer.Context,
         admin: str = typer.Option(None, "--admin", metavar="NAME",
                                   help="Also create the first administrator (only on a "
                                        "database without users); the password comes from "
                                        "$HUSTINGS_PASSWORD or a prompt.")) -> None:
    """Create or upgrade the database schema, and on a new database its first administrator.

    Example: hustings --db sqlite:///party.db init --admin returning-officer
    """
    revision = container(ctx).migrate()
    console.print(f"database ready at revision {revision}")
    if admin:
        password = read_password(f"password for {admin}", PASSWORD_ENV, confirm=True)
        init_admin(uow(ctx), admin, password)
        console.print(f"created administrator {admin}, whose signing key signs the first entry")


@election_app.command("create")
def create(ctx: typer.Context, file: Path = typer.Argument(..., help="Election definition TOML.")
           ) -> None:
    """Create an election from a TOML definition (see docs/election-definition.md).

    Example: hustings election create examples/israeli-labor/labor-2002.toml
    """
    text = read_file(file).decode("utf-8", errors="replace")
    election = svc.create_election(uow(ctx), text, str(file), acting(ctx))
    console.print(f"created election {election.slug}: {election.title} "
                  f"({len(election.candidates)} candidates, method {election.method})")


@election_app.command("amend")
def amend(ctx: typer.Context, file: Path = typer.Argument(..., help="Election definition TOML "
                                                          "(the same slug).")) -> None:
    """Replace an election's definition while it is in draft or nominations.

    Its method, seats, rules, candidates and timetable change; new precincts are added.
    Example: hustings election amend examples/israeli-labor/labor-2002.toml
    """
    text = read_file(file).decode("utf-8", errors="replace")
    election = svc.amend_election(uow(ctx), text, str(file), acting(ctx))
    console.print(f"amended election {election.slug}: {election.title} "
                  f"({len(election.candidates)} candidates, method {election.method})")


@election_app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """List the elections in the database."""
    table = Table("slug", "title", "status", "method", "polling day")
    for e in list_elections(uow(ctx)):
        table.add_row(e.slug, e.title, e.status.value, e.method, str(e.timetable.polling_day))
    console.print(table)


@precincts_app.command("import")
def import_precincts(ctx: typer.Context, election: str = typer.Argument(..., help="Slug."),
                     file: Path = typer.Argument(..., help="CSV with columns code,name.")) -> None:
    """Import an election's precincts (polling stations) from CSV.

    Example: hustings precincts import labor-2002 examples/israeli-labor/precincts-2002.csv
    """
    n = svc.import_precincts(uow(ctx), election, read_file(file), str(file), acting(ctx))
    console.print(f"imported {n} precincts into {election}")


@roll_app.command("freeze")
def freeze(ctx: typer.Context, election: str = typer.Argument(..., help="Slug.")) -> None:
    """Freeze the roll: copy the eligible members of the election's body, once.

    Example: hustings roll freeze labor-2002
    """
    frozen = svc.freeze_roll(uow(ctx), election, acting(ctx))
    console.print(f"froze the roll of {election}: {frozen.size:,} voters in "
                  f"{len(frozen.by_precinct)} precincts")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(election_app, name="election")
    app.add_typer(precincts_app, name="precincts")
    app.add_typer(roll_app, name="roll")
