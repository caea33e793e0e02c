"""`hustings record ...`: the leadership record (import, leaders, person, check)."""

from __future__ import annotations

import typer

from hustings.cli import record_check

record_app = typer.Typer(help="The organisation's record: who led it and how each was chosen.",
                         no_args_is_help=True)
record_check.register(record_app)


def register(app: typer.Typer) -> None:
    app.add_typer(record_app, name="record")
