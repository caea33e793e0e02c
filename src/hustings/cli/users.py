"""`hustings user add|list`."""

from __future__ import annotations

import os

import typer
from rich.table import Table

from hustings.cli.context import console, uow
from hustings.services.commands import Context
from hustings.services.queries import list_users
from hustings.services.users import create_user

user_app = typer.Typer(help="Accounts for the administration site.", no_args_is_help=True)


@user_app.command("add")
def add(ctx: typer.Context, username: str = typer.Argument(...),
        role: str = typer.Option("clerk", help="administrator | clerk | observer"),
        password_env: str = typer.Option(None, help="Read the password from this environment "
                                         "variable instead of prompting.")) -> None:
    """Create an account (the password is prompted for, never taken as a flag).

    Example: hustings user add returning-officer --role administrator
    """
    if password_env:
        password = os.environ.get(password_env, "")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    user = create_user(uow(ctx), username, password, role, Context(actor="cli"))
    console.print(f"created {user.role.value} {user.username}")


@user_app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """List accounts and their roles."""
    table = Table("username", "role")
    for user in list_users(uow(ctx)):
        table.add_row(user.username, user.role.value)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
