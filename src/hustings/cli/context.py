"""The CLI's shared state: one container per invocation, built from --db or the environment."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from hustings.bootstrap import Container, Settings
from hustings.cli.app import USER_KEY
from hustings.domain.errors import InvalidInput, PermissionDenied, Problem
from hustings.services import totp
from hustings.services.commands import Context, as_user
from hustings.services.identity import Signer
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.users import authenticate

USER_ENV = "HUSTINGS_USER"
PASSWORD_ENV = "HUSTINGS_PASSWORD"
HOW = ("give --user NAME (or set HUSTINGS_USER) and the password in HUSTINGS_PASSWORD or at "
       "the prompt; on a new database create the first administrator with "
       "`hustings init --admin NAME`")

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


def username(ctx: typer.Context) -> str | None:
    """The user named by --user or $HUSTINGS_USER, if any."""
    return ctx.meta.get(USER_KEY) or os.environ.get(USER_ENV) or None


def read_password(prompt: str, env: str = PASSWORD_ENV, confirm: bool = False) -> str:
    """A password from `env`, else from the terminal; no terminal and no variable: exit 6."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise PermissionDenied(f"no password: set {env}, or run in a terminal to be prompted")
    password = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"{prompt} (again): ") != password:
        raise InvalidInput(Problem("the two passwords differ", "password"))
    return password


def read_code(name: str) -> str:
    """The second factor's code from $HUSTINGS_TOTP, else from the terminal; neither: exit 6."""
    value = os.environ.get(totp.CODE_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise PermissionDenied(f"{name} signs in with a second factor: set {totp.CODE_ENV} to "
                               "the 6-digit code their authenticator app shows now, or run in "
                               "a terminal to be prompted")
    return input(f"6-digit code for {name}: ")


def signer(ctx: typer.Context) -> Signer:
    """The authenticated user (once per invocation); PermissionDenied (exit 6) otherwise."""
    cached = ctx.meta.get("hustings.signer")
    if isinstance(cached, Signer):
        return cached
    name = username(ctx)
    if not name:
        raise PermissionDenied(f"this command changes data, so it must run as a user: {HOW}")
    found = authenticate(uow(ctx), name, read_password(f"password for {name}"))
    if totp.enrolled(uow(ctx), name):
        totp.verify(uow(ctx), found, read_code(name))
    ctx.meta["hustings.signer"] = found
    return found


def acting(ctx: typer.Context, **kwargs: object) -> Context:
    """The command context of the authenticated user."""
    return as_user(signer(ctx), **kwargs)  # type: ignore[arg-type]
