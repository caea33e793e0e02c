"""`hustings count` as a standalone process (the command registered on a bare Typer app).

Used by run.py so that the benchmark times the command whatever the root app registers.
"""

from __future__ import annotations

import typer

from hustings.cli.count import register

app = typer.Typer()
register(app)
app.command("noop", hidden=True)(lambda: None)

if __name__ == "__main__":
    app()
