"""Run a Typer app with the one mapping from domain errors to messages and exit codes."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
import typer.main
from typer._click import Command, Context
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam
from typer._param_types import coerce_cli_path
from typer.core import _TyperParameter

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
        command = typer.main.get_command(app)
        plain_parameters(command)
        code = command.main(args=argv, prog_name="hustings", standalone_mode=False)
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


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"", "0", "off", "f", "false", "n", "no"})  # "": Typer's empty flag


@dataclass(frozen=True)
class _Plain(RuntimeParam):
    """Typer's coercion of a bool, str, int or Path parameter, without pydantic.

    Typer coerces every parameter through a pydantic TypeAdapter, built on first use: for
    `hustings count` that is 0.2 s of CPU (pydantic's import and a schema per parameter) in a
    command that takes under a second in all. For the plain types this does what those
    adapters do, with their messages; any other parameter keeps Typer's own coercion.
    """

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        kind = self.annotation
        if kind is bool:
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise BadParameter("Input should be a valid boolean, unable to interpret input",
                               ctx=ctx, param=param)
        if kind is str:
            return value if isinstance(value, str) else str(value)
        if kind is int:
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            try:
                return int(str(value).strip())
            except ValueError:
                raise BadParameter(
                    "Input should be a valid integer, unable to parse string as an integer",
                    ctx=ctx, param=param) from None
        return coerce_cli_path(value if isinstance(value, Path) else Path(value),
                               self.parameter_info, path_type=Path, param=param, ctx=ctx)


def plain_parameters(command: Command) -> None:
    """Give each unconstrained bool, str, int and Path parameter of `command` (and of its
    sub-commands) the pydantic-free coercion `_Plain`."""
    help_option = command.get_help_option(Context(command))  # made once, cached
    for param in [*command.params, help_option]:
        if not isinstance(param, _TyperParameter) or param._runtime_param is not None:
            continue
        desc = param.type_descriptor
        info = desc.parameter_info
        plain_path = desc.annotation is Path and info.path_type is None
        if (desc.annotation in (bool, str, int) or plain_path) and info.parser is None and (
                info.min is None and info.max is None and desc.choices is None
                and desc.file_annotation is None):
            param._runtime_param = _Plain(parameter_info=info, annotation=desc.annotation)
    for sub in getattr(command, "commands", {}).values():
        plain_parameters(sub)
