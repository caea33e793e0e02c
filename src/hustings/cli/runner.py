"""Run a Typer app with the one mapping from domain errors to messages and exit codes."""

from __future__ import annotations

import sys

import typer

from hustings.bootstrap import record_incident
from hustings.domain.errors import (
    AlreadyExists,
    HustingsError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Unavailable,
)

INTERNAL_ERROR = 1  # a bug: the message gives an incident id, the traceback is in the log
EXIT_CODES: dict[type[HustingsError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    AlreadyExists: 4,
    RuleViolation: 5,
    PermissionDenied: 6,
    Unavailable: 8,
}



class _Errors:
    """stderr through Rich, loaded on the first error only (start-up stays small)."""

    def print(self, *args: object, **kwargs: object) -> None:
        from rich.console import Console

        Console(stderr=True, soft_wrap=True).print(*args, **kwargs)  # type: ignore[arg-type]


_errors = _Errors()


def exit_code(error: HustingsError) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return INTERNAL_ERROR


def run_app(app: typer.Typer, argv: list[str] | None) -> None:
    """User mistakes become `error: ...` lines and an exit code, never a traceback; anything
    unexpected becomes a one-line message with an incident id (traceback in the log file)."""
    try:
        code = app(args=argv, prog_name="hustings", standalone_mode=False)
        if isinstance(code, int) and code != 0:  # `raise typer.Exit(n)` is returned, not raised
            sys.exit(code)
    except HustingsError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            _errors.print(f"error: {line}", markup=False, highlight=False)
        sys.exit(exit_code(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        _errors.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors: bad flags, values, missing arguments
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _errors.print(f"error: {exc}", markup=False)
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        _errors.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one catch-all: a bug, never a traceback
        incident, log = record_incident(exc, "hustings " + " ".join(argv or sys.argv[1:]))
        where = f"; details are in {log}" if log else ""
        _errors.print(f"error: hustings failed unexpectedly (incident {incident}){where}. "
                      "Nothing was changed unless a message above said so.",
                      markup=False, highlight=False)
        sys.exit(INTERNAL_ERROR)
