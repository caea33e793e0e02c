"""`hustings members import BODY FILE.csv`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import typer
from rich.progress import Progress

from hustings.cli.context import acting, console, err_console, read_file, uow
from hustings.formats.csv_tables import read_members
from hustings.services.members import import_members

members_app = typer.Typer(help="Members of bodies (the electorates).", no_args_is_help=True)


@members_app.command("import")
def import_cmd(ctx: typer.Context, body: str = typer.Argument(..., help="Body slug."),
               file: Path = typer.Argument(..., help="CSV: member_id,name,joined,standing,"
                                                     "precinct.")) -> None:
    """Import members into a body from CSV; the whole file is checked before anything is written.

    Example: hustings members import members examples/israeli-labor/members.csv
    """
    who = acting(ctx)
    data = read_file(file)
    total = len(read_members(data, str(file)))
    with Progress(console=err_console, transient=True, disable=total < 50_000) as bar:
        task = bar.add_task(f"importing {file.name}", total=total)
        n = import_members(uow(ctx), body, data, str(file),
                           replace(who, progress=lambda k: bar.advance(task, k)))
    console.print(f"imported {n:,} members into {body}")


def register(app: typer.Typer) -> None:
    app.add_typer(members_app, name="members")
