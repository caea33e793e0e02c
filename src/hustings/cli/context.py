"""The CLI's shared state: one container per invocation, built from --db or the environment."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from hustings.bootstrap import Container, Settings
from hustings.domain.errors import InvalidInput, Problem
from hustings.services.ports import UnitOfWorkFactory

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def container(ctx: typer.Context) -> Container:
    root = ctx.find_root()
    if not isinstance(root.obj, Container):
        root.obj = Container(Settings.from_env())
    return root.obj


def uow(ctx: typer.Context) -> UnitOfWorkFactory:
    return container(ctx).uow_factory


def read_file(path: Path) -> bytes:
    """Read a user's file, turning OS errors into a located input error."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(Problem(exc.strerror or str(exc), str(path))) from None
