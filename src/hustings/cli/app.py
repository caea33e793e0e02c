"""The root `hustings` command and the one mapping from domain errors to exit codes."""

from __future__ import annotations

import sys

import typer

from hustings.bootstrap import Container, Settings
from hustings.cli.context import err_console
from hustings.domain.errors import (
    AlreadyExists,
    HustingsError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
)

EXIT_CODES: dict[type[HustingsError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    AlreadyExists: 4,
    RuleViolation: 5,
    PermissionDenied: 6,
}

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
) -> None:
    """hustings — run an organisation's leadership elections."""
    ctx.obj = Container(Settings.from_env(db))


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


def exit_code(error: HustingsError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return 1


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become a message and an exit code, never a traceback."""
    try:
        app(args=argv, standalone_mode=False)
    except HustingsError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            err_console.print(f"error: {line}", markup=False, highlight=False)
        sys.exit(exit_code(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: bad flags, values, missing arguments
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"error: {exc}", markup=False)
        sys.exit(getattr(exc, "exit_code", 2))
