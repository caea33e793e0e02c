"""`hustings results ELECTION [--format table|json|csv]`."""

from __future__ import annotations

import enum

import typer
from rich.table import Table

from hustings.cli.context import console, uow
from hustings.formats.published_result import result_csv, result_json
from hustings.services.results import election_result


class ResultFormat(enum.StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def results(ctx: typer.Context, election: str = typer.Argument(..., help="Election slug."),
            format: ResultFormat = typer.Option(ResultFormat.TABLE, "--format", "-f",
                                                help="Output format.")) -> None:
    """Show an election's result: votes, percentages, turnout, margin and winner.

    Example: hustings results labor-2002 --format json
    """
    result = election_result(uow(ctx), election)
    data = result.to_dict()
    if format is ResultFormat.JSON:
        print(result_json(data))
        return
    if format is ResultFormat.CSV:
        print(result_csv(data), end="")
        return
    base = "valid votes" if result.percentage_base.value == "valid" else "ballots cast"
    table = Table(title=f"{election} — {result.status}", title_justify="left")
    table.add_column("Candidate")
    table.add_column("Votes", justify="right")
    table.add_column(f"% of {base}", justify="right")
    for c in result.candidates:
        mark = " ✔" if c.name == result.winner else ""
        table.add_row(c.name + mark, f"{c.votes:,}", c.percentage)
    table.add_section()
    table.add_row("Blank", f"{result.blank:,}", "")
    table.add_row("Invalid", f"{result.invalid:,}", "")
    table.add_row("Ballots cast", f"{result.ballots_cast:,}", "")
    table.add_row("Registered", f"{result.registered:,}", f"turnout {result.turnout}%")
    console.print(table)
    winner = result.winner or "none (tie or no votes)"
    console.print(f"Winner: {winner}; margin {result.margin:,} votes; precincts reporting "
                  f"{result.precincts_reporting} of {result.precincts_total}.")


def register(app: typer.Typer) -> None:
    app.command("results")(results)
