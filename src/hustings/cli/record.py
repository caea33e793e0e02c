"""`hustings record ...`: the leadership record (import, leaders, person, check)."""

from __future__ import annotations

import enum
import json
from pathlib import Path

import typer
from rich.table import Table

from hustings.cli import record_check
from hustings.cli.context import acting, console, read_file, uow
from hustings.cli.options import parse_day
from hustings.domain.errors import NotFound
from hustings.domain.record import Tenure, holder_on
from hustings.services import lifecycle, record_store

record_app = typer.Typer(help="The organisation's record: who led it and how each was chosen.",
                         no_args_is_help=True)
record_check.register(record_app)


class Format(enum.StrEnum):
    TABLE = "table"
    JSON = "json"


@record_app.command("import")
def import_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Articles (any name), .json or .toml records."),
    organisation: str = typer.Option(None, "--organisation", help="Organisation slug (default: "
                                     "the candidates' common party, matched by name)."),
) -> None:
    """Import elections hustings did not run (results only) and derive the office's tenures.

    All files or none: a file that fails to parse imports nothing. Re-importing an identical
    election does nothing; a different one under the same slug is refused.
    Example: hustings record import 2001.txt 2002.txt 2003.txt
    """
    contents = [(str(path), read_file(path)) for path in files]
    for item in record_store.import_records(uow(ctx), contents, acting(ctx),
                                            organisation):
        done = "imported" if item.changed else "unchanged"
        console.print(f"{done} {item.slug} ({item.title}) from {item.source} → "
                      f"{item.organisation} / {item.office}", markup=False, highlight=False)


@record_app.command("members")
def members_command(
    ctx: typer.Context,
    office: str = typer.Option(..., "--office", help="The office, by name or slug (Executive)."),
    organisation: str = typer.Option(None, "--organisation",
                                     help="Organisation slug, when the office name is shared."),
    format: Format = typer.Option(Format.TABLE, "--format", "-f", help="Output format."),
    on: str = typer.Option(None, "--on", metavar="YYYY-MM-DD",
                           help="Only the members on this day."),
) -> None:
    """An office's members over time (a committee between each change), with the elections.

    Example: hustings record members --office Executive --format json
    Example: hustings record members --office Executive --on 2024-01-01
    """
    day = parse_day(on, "--on")
    name, found = record_store.members(uow(ctx), organisation, office)
    if day is not None:
        found = [c for c in found if c.start <= day and (c.end is None or day < c.end)]
        if not found:
            raise NotFound(f"the record names no members of {name} on {day.isoformat()}")
    if format is Format.JSON:
        print(json.dumps(record_store.members_json(name, found), ensure_ascii=False, indent=2))
        return
    table = Table("from", "to", "members", "elections", title=f"Members of {name}",
                  title_justify="left")
    for c in found:
        table.add_row(_day(c.start), _day(c.end) if c.end else "", ", ".join(c.members),
                      ", ".join(c.elections))
    console.print(table)


def _day(tenure_day: object) -> str:
    return str(tenure_day) if tenure_day else "?"


@record_app.command("end-tenure")
def end_tenure_command(
    ctx: typer.Context,
    holder: str = typer.Argument(..., help="Who leaves office, as the record names them."),
    office: str = typer.Option(..., "--office", help="The office's slug (leader)."),
    organisation: str = typer.Option(..., "--organisation", help="The organisation's slug."),
    on: str = typer.Option(..., "--on", help="The day they left, YYYY-MM-DD."),
    reason: str = typer.Option(..., "--reason", help="Why (e.g. \"resigned\")."),
) -> None:
    """Record that a holder left office (resigned, died, was removed): the office is vacant
    from that day until an election fills it. Administrators; a logged, signed command.

    Example: hustings record end-tenure "Amram Mitzna" --organisation israeli-labor
    --office leader --on 2003-05-04 --reason resigned
    """
    day = parse_day(on, "--on")
    if day is None:  # --on is required: typer refuses its absence first
        raise typer.BadParameter("give --on YYYY-MM-DD")
    lifecycle.end_tenure(uow(ctx), organisation, office, holder, day, reason, acting(ctx))
    console.print(f"{holder} left {office} on {day.isoformat()}: the office is vacant",
                  markup=False, highlight=False)


@record_app.command("leaders")
def leaders_command(
    ctx: typer.Context,
    office: str = typer.Option(..., "--office", help="The office, by name or slug (Leader)."),
    organisation: str = typer.Option(None, "--organisation",
                                     help="Organisation slug, when the office name is shared."),
    format: Format = typer.Option(Format.TABLE, "--format", "-f", help="Output format."),
    on: str = typer.Option(None, "--on", metavar="YYYY-MM-DD",
                           help="Only the tenure that certainly covers this day."),
) -> None:
    """The holders of an office in order, vacancies included, from run and imported elections.

    Example: hustings record leaders --office Leader --format json
    Example: hustings record leaders --office Leader --on 2002-01-01
    """
    day = parse_day(on, "--on")
    tenures = record_store.leaders(uow(ctx), organisation, office)
    name = tenures[0].office if tenures else office
    if day is not None:
        found = holder_on(tenures, name, day)
        if found is None:
            raise NotFound(f"the record does not say who held {name} on {day.isoformat()}")
        tenures = [found]
    if format is Format.JSON:
        print(json.dumps(record_store.leaders_json(name, tenures), ensure_ascii=False,
                         indent=2))
        return
    console.print(_tenure_table(tenures, f"Holders of {name}"))


def _tenure_table(tenures: list[Tenure], title: str, first: str = "holder") -> Table:
    table = Table(first, "kind", "from", "to", "election", title=title, title_justify="left")
    for t in tenures:
        table.add_row((t.holder or "(vacant)") if first == "holder" else t.office,
                      t.kind.value, _day(t.start),
                      _day(t.end) if t.end or t.holder is None else "", t.election or "")
    return table


@record_app.command("person")
def person_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The person's name (case does not matter)."),
    format: Format = typer.Option(Format.TABLE, "--format", "-f", help="Output format."),
) -> None:
    """A person's record: elections run in, won and lost, and offices held.

    Example: hustings record person "Shimon Peres"
    """
    found = record_store.person(uow(ctx), name)
    if format is Format.JSON:
        held = record_store.leaders_json("", found.tenures)["tenures"]
        for entry, tenure in zip(held, found.tenures, strict=True):
            entry["office"] = tenure.office
        print(json.dumps({"name": found.name, "ran": list(found.ran), "won": list(found.won),
                          "lost": list(found.lost), "tenures": held},
                         ensure_ascii=False, indent=2))
        return
    console.print(found.name, style="bold", markup=False, highlight=False)
    for label, slugs in (("ran in", found.ran), ("won", found.won), ("lost", found.lost)):
        console.print(f"{label}: {', '.join(slugs) or '—'}", markup=False, highlight=False)
    if found.tenures:
        console.print(_tenure_table(list(found.tenures), "Offices held", "office"))


def register(app: typer.Typer) -> None:
    app.add_typer(record_app, name="record")
