"""`hustings count FILE` and `hustings methods`: count a ballot file by a registered method.

Input errors are raised as InvalidInput; the root app turns them into `error: FILE:LINE ...`
lines on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from hustings.domain.errors import InvalidInput, Problem

if TYPE_CHECKING:  # loaded when a count runs (numpy, pyarrow): `methods` and --help skip them
    from rich.console import Console

    from hustings.counting.outcome import Outcome
    from hustings.formats.cvr_common import BallotFile

OUTPUTS = ("table", "json", "rctab", "nist", "csv")
FORMATS = ("csv", "blt", "preflib", "abif", "nist", "clearballot", "dominion",
           "rctab")  # as formats.detect.FORMATS
PROGRESS_BYTES = 32 << 20  # show a progress bar for files at least this large



def _console(stderr: bool = False) -> Console:
    """A Rich console, made (and Rich imported) only for the table and the progress bar."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `count` and `methods` to the app."""
    app.command("count")(count_command)
    app.command("methods")(methods_command)


def count_command(
    file: Path = typer.Argument(..., help="Ballot file (CSV CVR, BLT, PrefLib, ABIF, NIST "
                                "CDF JSON or XML, Clear Ballot CSV, a Dominion export folder "
                                "or .zip) or an RCTab <case>_config.json."),
    input_format: str = typer.Option("auto", "--input-format", "-i",
                                     help=f"auto, {', '.join(FORMATS)}."),
    method: str = typer.Option(None, "--method", "-m",
                               help="Counting method (see `hustings methods`)."),
    seats: int = typer.Option(None, "--seats", "-s",
                              help="Seats to fill (default: the file's, else 1)."),
    rules: Path = typer.Option(None, "--rules", "-r",
                               help="TOML file of rule options for the method."),
    output: str = typer.Option("table", "--format", "-f", help=", ".join(OUTPUTS) + "."),
) -> None:
    """Count a ballot file and print the outcome, round by round."""
    from hustings.formats.detect import detect_format

    if output not in OUTPUTS:
        raise InvalidInput(Problem(f"unknown output format {output!r}; "
                                   f"known: {', '.join(OUTPUTS)}", field="--format"))
    if input_format not in ("auto", *FORMATS):
        raise InvalidInput(Problem(f"unknown input format {input_format!r}; "
                                   f"known: auto, {', '.join(FORMATS)}", field="--input-format"))
    if not file.is_file() and not (file.is_dir() and input_format in ("auto", "dominion")):
        raise InvalidInput(Problem("no such file", str(file)))
    kind = detect_format(file) if input_format == "auto" else input_format
    context: dict[str, Any] = {"contest": file.stem}
    if kind == "rctab":
        given = [n for n, v in (("--method", method), ("--seats", seats), ("--rules", rules))
                 if v is not None]
        if given:
            raise InvalidInput(Problem(f"{', '.join(given)}: an RCTab config supplies its own "
                                       "method, seats and rules", str(file)))
        from hustings.formats.rctab_config import read_rctab_config

        contest = read_rctab_config(file)
        ballots, name, chosen_seats, options = (
            contest.ballots, contest.method, contest.seats, contest.options
        )
        settings = contest.config.get("outputSettings") or {}
        context = {"contest": contest.contest, "date": settings.get("contestDate", ""),
                   "jurisdiction": settings.get("contestJurisdiction", ""),
                   "office": settings.get("contestOffice", "")}
    else:
        if method is None:
            raise InvalidInput(Problem("say which counting method: --method NAME "
                                       "(see `hustings methods`)", field="--method"))
        ballots = _read(file, kind)
        name = method
        chosen_seats = seats if seats is not None else (ballots.seats or 1)
        options = _rules(rules)
        if ballots.title:
            context["contest"] = ballots.title
    outcome = _count(name, ballots, chosen_seats, options, rules)
    _print(outcome, output, context, ballots.profile.total)


def methods_command(
    name: str = typer.Argument(None, metavar="[NAME]",
                               help="A method's name: show its rule options."),
) -> None:
    """List the counting methods, one line each; `hustings methods NAME` shows its options.

    Example: hustings methods irv
    """
    from hustings.counting.registry import all_methods, get_method

    if name is None:
        methods = all_methods()
        width = max(len(m.name) for m in methods)
        for method in methods:
            typer.echo(f"{method.name:<{width}}  {method.summary}")
        typer.echo("\nhustings methods NAME shows a method's rule options.")
        return
    method = get_method(name)
    typer.echo(f"{method.name} — {method.summary}")
    if not method.options:
        typer.echo("no rule options")
        return
    typer.echo("\nrule options (in a --rules TOML file):")
    for option in method.options:
        choices = f"; one of: {', '.join(option.choices)}" if option.choices else ""
        typer.echo(f"  {option.name} ({option.type}, default {_show(option.default)}{choices})")
        typer.echo(f"      {option.help}")


def _read(file: Path, kind: str) -> BallotFile:
    from hustings.formats.detect import read_ballots

    size = file.stat().st_size
    if kind != "csv" or size < PROGRESS_BYTES or not sys.stderr.isatty():
        return read_ballots(file, kind)
    with _bar(f"Reading {file.name}", size) as advance:
        return read_ballots(file, kind, progress=advance)


@contextmanager
def _bar(label: str, total: int) -> Iterator[Any]:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=_console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done, _total: progress.update(task, completed=done)


def _rules(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(path))) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise InvalidInput(Problem(f"not valid TOML: {exc}", str(path), line)) from None


def _count(
    name: str, ballots: BallotFile, seats: int, options: dict[str, Any], rules: Path | None
) -> Outcome:
    from hustings.counting.registry import get_method

    method = get_method(name)
    try:
        return method.count(ballots.profile, seats, options)
    except InvalidInput as error:  # locate option problems in the rules file
        source = str(rules) if rules is not None else None
        raise InvalidInput([
            Problem(p.message, p.source or source, p.line, p.field) for p in error.problems
        ]) from None


def _print(outcome: Outcome, output: str, context: dict[str, Any], total: int) -> None:
    from hustings.formats.results_csv import write_results_csv
    from hustings.formats.results_nist import write_nist_results
    from hustings.formats.results_rctab import write_rctab_summary

    if output == "json":
        sys.stdout.write(json.dumps(outcome.to_dict(), ensure_ascii=False) + "\n")
    elif output == "rctab":
        sys.stdout.write(write_rctab_summary(outcome, total_ballots=total, **context))
    elif output == "nist":
        sys.stdout.write(write_nist_results(outcome, contest=str(context.get("contest", ""))))
    elif output == "csv":
        sys.stdout.write(write_results_csv(outcome))
    else:
        _table(outcome, str(context.get("contest", "")))


def _table(outcome: Outcome, contest: str) -> None:
    from rich.table import Table

    from hustings.counting.outcome import decimal_string

    places = outcome.decimals
    title = f"{contest}: {outcome.method}, {outcome.seats} seat{'s' if outcome.seats > 1 else ''}"
    table = Table(title=title, title_justify="left")
    table.add_column("candidate")
    for r in outcome.rounds:
        table.add_column(f"round {r.number}", justify="right")
    for candidate in outcome.candidates:
        cells = []
        for r in outcome.rounds:
            value = r.tallies.get(candidate)
            mark = "*" if candidate in r.elected else ("x" if candidate in r.eliminated else "")
            cells.append("" if value is None else decimal_string(value, places) + mark)
        label = f"{candidate} (elected)" if candidate in outcome.winners else candidate
        table.add_row(label, *cells)
    table.add_row("exhausted", *(decimal_string(r.exhausted, places) for r in outcome.rounds))
    if any(r.threshold is not None for r in outcome.rounds):
        table.add_row("threshold", *("" if r.threshold is None
                                     else decimal_string(r.threshold, places)
                                     for r in outcome.rounds))
    out = _console()
    out.print(table)
    out.print("* elected, x eliminated in that round", style="dim")
    for line in outcome.explain():
        out.print(line, markup=False)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
