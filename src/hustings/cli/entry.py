"""The `hustings` console script: load only what the command being run needs.

Every command lives in a module of `hustings.cli` with a `register(app)` function. The table
below says which modules a top-level command needs, so `hustings count` never imports the
database layer and `hustings members import` never imports the web. `hustings --help` is
answered from the table's one-line summaries, without importing any command module (a test
checks that the summaries match the full app's help). A command missing from the table runs
on the full app, so a new command works before it is listed here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typer import Typer

# top-level command -> (modules that register it, its one-line help), in `--help` order
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "init": (("elections",), "Create or upgrade the database schema, and on a new database "
             "its first administrator."),
    "results": (("results",), "Show an election's result: votes, percentages, turnout, "
                "precincts, and the winner."),
    "demo": (("demo",), "Build the demo (Labor 2001, 2002, 2003 and 2007) into the database "
             "and show results."),
    "vote": (("online",), "Vote online: encrypt and sign your choices, cast, print the "
             "tracker."),
    "count": (("count",), "Count a ballot file and print the outcome, round by round."),
    "methods": (("count",), "List the counting methods, one line each; `hustings methods "
                "NAME` shows its options."),
    "serve": (("serve",), "Serve the public pages, the administration and the JSON API."),
    "election": (("elections", "integrity"), "Define elections."),
    "precincts": (("elections",), "Polling stations of an election."),
    "roll": (("elections",), "The frozen roll of an election."),
    "members": (("members",), "Members of bodies (the electorates)."),
    "tally": (("tally",), "Precinct tally sheets."),
    "ballots": (("ballots",), "Precincts' ballots (cast vote records)."),
    "user": (("users",), "Accounts: who may change what, each with a signing key."),
    "dispute": (("integrity",), "Disputes and the rulings on them."),
    "log": (("integrity",), "The tamper-evident, hash-chained log of every change."),
    "record": (("record",), "The organisation's record: who led it and how each was chosen."),
    "online": (("online",), "Online voting: set up, open, close, tally, publish, export."),
    "credentials": (("online",), "The credential authority's tool: members' credentials."),
    "trustee": (("online",), "A trustee's steps: the key ceremony and decryption."),
}
_ROOT_VALUED = frozenset({"--db", "--user"})  # root options that take a value


def command_of(args: list[str]) -> str | None:
    """The top-level command named in argv (after root options), or None."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _ROOT_VALUED:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    from hustings.cli.app import make_app
    from hustings.cli.runner import run_app

    name = command_of(args)
    if name in COMMANDS:
        run_app(make_app(COMMANDS[name][0]), args)
    elif name is None and not any(a.endswith("-completion") for a in args):
        run_app(_summary_app(), args)  # `hustings`, `hustings --help`, `--db URL --help`
    else:
        run_app(make_app(), args)


def _summary_app() -> Typer:
    """The root app with a stand-in per command: enough to print `hustings --help`."""
    from hustings.cli.app import make_app

    app = make_app(())
    extra = {"allow_extra_args": True, "ignore_unknown_options": True}
    for command, (_, summary) in COMMANDS.items():
        app.command(command, help=summary, context_settings=extra)(_listed_only)
    return app


def _listed_only() -> None:  # pragma: no cover (commands are routed before this app runs)
    raise SystemExit("internal error: command routed to the summary app")
