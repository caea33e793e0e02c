"""The root `hustings` command: every command group registered on one Typer app.

`make_app(modules)` builds the root app with only some command modules registered (the console
script loads just the module of the command it runs, see cli/entry.py); `app` is the full one.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import typer

from hustings.cli.runner import EXIT_CODES, exit_code, run_app

__all__ = ["ALL_MODULES", "EXIT_CODES", "exit_code", "main", "make_app"]  # and `app`

HELP = ("Leadership elections: from the members' roll to the certified, published result.\n\n"
        "Example: hustings demo && hustings results labor-2002")
# Registration order is the order of `hustings --help`.
USER_KEY = "hustings.user"  # ctx.meta key of --user (read by cli/context.py)
ALL_MODULES = ("elections", "members", "tally", "ballots", "results", "demo", "users",
               "integrity", "record", "online", "count", "serve")


def root(
    ctx: typer.Context,
    db: str = typer.Option(None, "--db", metavar="URL",
                           help="Database URL (default: $HUSTINGS_DATABASE_URL or "
                                "sqlite:///hustings.db)."),
    user: str = typer.Option(None, "--user", metavar="NAME",
                             help="Act as this user (default: $HUSTINGS_USER); the password "
                                  "comes from $HUSTINGS_PASSWORD or a prompt. Needed by every "
                                  "command that changes data."),
) -> None:
    """hustings — run an organisation's leadership elections."""
    from hustings.bootstrap import Container, Settings

    ctx.obj = Container(Settings.from_env(db))
    ctx.meta[USER_KEY] = user


def make_app(modules: Iterable[str] = ALL_MODULES) -> typer.Typer:
    """The root app with the named `hustings.cli.<module>` command modules registered."""
    built = typer.Typer(name="hustings", help=HELP, no_args_is_help=True,
                        pretty_exceptions_enable=False, rich_markup_mode=None)
    built.callback()(root)
    for name in modules:
        importlib.import_module(f"hustings.cli.{name}").register(built)
    return built


def __getattr__(name: str) -> typer.Typer:  # `app` is built on first use, not at import
    if name == "app":
        full = globals()["app"] = make_app()
        return full
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> None:
    """Run the full app; user mistakes become a message and an exit code, never a traceback."""
    run_app(make_app(), argv)
