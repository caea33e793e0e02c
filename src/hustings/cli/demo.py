"""`hustings demo`: build the Israeli Labor demo and print its three results."""

from __future__ import annotations

from pathlib import Path

import typer

from hustings.cli.context import console, uow
from hustings.cli.results import ResultFormat, results
from hustings.domain.errors import InvalidInput, Problem
from hustings.services.demo import build_demo

DEFAULT_FOLDER = Path(__file__).resolve().parents[3] / "examples" / "israeli-labor"


def demo(ctx: typer.Context,
         folder: Path = typer.Option(DEFAULT_FOLDER, help="The demo's example files.")) -> None:
    """Build the demo (2001, 2002 and 2003 Labor elections) into the database and show results.

    Example: hustings --db sqlite:///demo.db demo
    """
    if not (folder / "labor-2002.toml").is_file():
        raise InvalidInput(Problem("not the demo folder (no labor-2002.toml)", str(folder)))
    slugs = build_demo(uow(ctx), folder)
    for slug in slugs:
        results(ctx, slug, ResultFormat.TABLE)
        console.print()


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
