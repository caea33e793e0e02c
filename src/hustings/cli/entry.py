"""The `hustings` console script.

`hustings count` and `hustings methods` need no database, so they run on a small app that
loads only counting and formats (half a second less per call); everything else loads the
full app. Both apps register the very same command functions.
"""

from __future__ import annotations

import sys

FILE_ONLY = frozenset({"count", "methods"})


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in FILE_ONLY:
        import typer

        from hustings.cli import count
        from hustings.cli.runner import run_app

        small = typer.Typer(name="hustings", no_args_is_help=True,
                            pretty_exceptions_enable=False, rich_markup_mode=None)
        count.register(small)
        run_app(small, args)
        return
    from hustings.cli.app import main as full

    full(args)
