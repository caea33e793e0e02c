"""`hustings record check FILE...`: the record consistency checker on encyclopedia articles."""

from __future__ import annotations

from pathlib import Path

import typer

from hustings.domain.errors import InvalidInput, Problem
from hustings.services.record_check import Severity, check


def register(record_app: typer.Typer) -> None:
    """Add the `check` command to the `record` sub-app."""
    record_app.command("check")(check_command)


def check_command(
    files: list[Path] = typer.Argument(..., help="Articles to check against each other."),
) -> None:
    """Report every disagreement within and between articles, one `FILE:LINE: message` a line.

    Exits 1 when a contradiction is found; unverifiable claims and warnings alone exit 0.
    """
    texts: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for path in files:
        try:
            texts.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(f"cannot read the file: {error}", str(path)))
    if problems:
        raise InvalidInput(problems)
    findings = check(texts)
    for finding in findings:
        typer.echo(str(finding))
    if any(f.severity is Severity.ERROR for f in findings):
        raise typer.Exit(1)
