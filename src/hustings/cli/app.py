"""The root `hustings` command: every command group registered on one Typer app."""

from __future__ import annotations

import typer

from hustings.bootstrap import Container, Settings
from hustings.cli.context import USER_KEY
from hustings.cli.runner import EXIT_CODES, exit_code, run_app

__all__ = ["EXIT_CODES", "app", "exit_code", "main"]

app = typer.Typer(
    name="hustings",
    help="Leadership elections: from the members' roll to the certified, published result.\n\n"
    "Example: hustings demo && hustings results labor-2002",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
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
    ctx.obj = Container(Settings.from_env(db))
    ctx.meta[USER_KEY] = user


def _register() -> None:
    from hustings.cli import (
        count,
        elections,
        integrity,
        members,
        record,
        results,
        serve,
        tally,
        users,
    )
    from hustings.cli import demo as demo_cmd

    elections.register(app)
    members.register(app)
    tally.register(app)
    results.register(app)
    demo_cmd.register(app)
    users.register(app)
    integrity.register(app)
    record.register(app)
    count.register(app)
    serve.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the full app; user mistakes become a message and an exit code, never a traceback."""
    run_app(app, argv)
