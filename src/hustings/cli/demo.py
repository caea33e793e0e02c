"""`hustings demo`: build the Israeli Labor demo and print its three results."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from hustings.cli.context import console, uow
from hustings.cli.results import show_table
from hustings.domain.errors import InvalidInput, Problem
from hustings.services.demo import ADMINISTRATOR, DEFAULT_PASSWORD, build_demo
from hustings.services.online_demo import build_online_demo
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.queries import tenures
from hustings.services.results import published_result, versions
from hustings.services.users import authenticate

DEFAULT_FOLDER = Path(__file__).resolve().parents[3] / "examples" / "israeli-labor"


def demo(ctx: typer.Context,
         folder: Path = typer.Option(DEFAULT_FOLDER, help="The demo's example files.")) -> None:
    """Build the demo (Labor 2001, 2002, 2003 and 2007) into the database and show results.

    Creates the users returning-officer (administrator), clerk-dana and clerk-yossi (clerks)
    with the password in $HUSTINGS_DEMO_PASSWORD (default: demo-password); every entry is
    signed by one of them. Also builds branch-online-demo, a branch electing its chair online
    (trustees trustee-ana, trustee-bo, trustee-cy). Example: hustings --db sqlite:///demo.db demo
    """
    if not (folder / "labor-2002.toml").is_file():
        raise InvalidInput(Problem("not the demo folder (no labor-2002.toml)", str(folder)))
    factory = uow(ctx)
    password = os.environ.get("HUSTINGS_DEMO_PASSWORD") or DEFAULT_PASSWORD
    slugs = build_demo(factory, folder, password)
    slugs.append(build_online_demo(factory, authenticate(factory, ADMINISTRATOR, password),
                                   password))
    for slug in slugs:
        show_table(published_result(factory, slug))
        _history(factory, slug)
        console.print()
    console.print("Leaders of the Israeli Labor Party, as the certified counts made them:")
    for t in tenures(factory, "israeli-labor", "leader"):
        until = f"to {t.end}" if t.end else "(in office)" if t.holder else "(open)"
        if t.holder is None:
            console.print(f"  vacant from {t.start} {until}")
        else:
            console.print(f"  {t.holder} ({t.kind.value}) from {t.start} {until} — "
                          f"{t.election}")


def _history(factory: UnitOfWorkFactory, slug: str) -> None:
    """How the count got there, when it changed: every result version, its reason and leader."""
    listed = versions(factory, slug)
    if len(listed) < 2:
        return
    console.print(f"How the count of {slug} got here (hustings results {slug} --version N):")
    for v in listed:
        shown = published_result(factory, slug, v["version"])
        due = next((p for p in shown.get("polls", []) if p.get("runoff")), None)
        if due is not None and shown["winner"] is None:
            lead = f"runoff due: {' v '.join(due['runoff'])}"
        else:
            lead = f"{shown['winner'] or 'no one'} ahead by {shown['margin']:,}"
        console.print(f"  version {v['version']}: {v['reason']} — {lead}", markup=False,
                      highlight=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
