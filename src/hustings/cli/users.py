"""`hustings user add|list|disable|passwd|totp` (`hustings init --admin` makes the first one)."""

from __future__ import annotations

import typer
from rich.table import Table

from hustings.cli.context import acting, console, read_password, signer, uow
from hustings.services import totp
from hustings.services.queries import list_users
from hustings.services.users import change_password, create_user, disable_user

user_app = typer.Typer(help="Accounts: who may change what, each with a signing key.",
                       no_args_is_help=True)


@user_app.command("add")
def add(ctx: typer.Context, username: str = typer.Argument(...),
        role: str = typer.Option("clerk", help="administrator | clerk | observer"),
        password_env: str = typer.Option(None, help="Read the new user's password from this "
                                         "environment variable instead of prompting.")) -> None:
    """Create an account with its signing key (run by an administrator).

    The new password is prompted for (or read from --password-env), never taken as a flag.
    Example: HUSTINGS_USER=returning-officer hustings user add clerk-dana --role clerk
    """
    who = acting(ctx)
    password = read_password(f"password for the new user {username}",
                             password_env or "HUSTINGS_NEW_PASSWORD", confirm=True)
    user = create_user(uow(ctx), username, password, role, who)
    console.print(f"created {user.role.value} {user.username}")


@user_app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """List accounts, their roles and signing keys."""
    table = Table("username", "role", "state", "public key")
    for user in list_users(uow(ctx)):
        table.add_row(user.username, user.role.value, "disabled" if user.disabled else "active",
                      user.public_key[:16] + "…" if user.public_key else "")
    console.print(table)


@user_app.command("disable")
def disable(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Disable an account (administrators): it can no longer act; its web sessions end.

    Example: hustings user disable clerk-dana
    """
    disable_user(uow(ctx), username, acting(ctx))
    console.print(f"disabled {username}")


@user_app.command("passwd")
def passwd(ctx: typer.Context,
           username: str = typer.Argument(None, help="Whose password (default: yours)."),
           password_env: str = typer.Option(None, help="Read the new password from this "
                                            "environment variable instead of prompting.")
           ) -> None:
    """Change your password (your signing key is sealed again, the same key), or, as an
    administrator, reset another user's (they get a new signing key). Web sessions end.

    Example: HUSTINGS_USER=clerk-dana hustings user passwd --password-env NEW_PASSWORD
    """
    me = signer(ctx)
    target = username or me.username
    password = read_password(f"new password for {target}",
                             password_env or "HUSTINGS_NEW_PASSWORD", confirm=True)
    change_password(uow(ctx), target, password, acting(ctx))
    console.print(f"changed the password of {target}")


totp_app = typer.Typer(help="A second factor for signing in: codes from an authenticator app.",
                       no_args_is_help=True)
user_app.add_typer(totp_app, name="totp")


@totp_app.command("enrol")
def totp_enrol(ctx: typer.Context) -> None:
    """Turn on your second factor: prints its secret and otpauth:// URI, this once only.

    From then on signing in (web, API, command line) needs the code your authenticator app
    shows; here in HUSTINGS_TOTP or at the prompt.
    Example: HUSTINGS_USER=returning-officer hustings user totp enrol
    """
    enrolment = totp.enrol(uow(ctx), acting(ctx))
    console.print(f"second factor on for {enrolment.username}; add it to your authenticator "
                  "app now, it is not shown again:")
    console.print(f"secret: {enrolment.secret}", highlight=False)
    console.print(f"uri: {enrolment.uri}", highlight=False)


@totp_app.command("reset")
def totp_reset(ctx: typer.Context, username: str = typer.Argument(...)) -> None:
    """Turn off another user's second factor (administrators); their web sessions end.

    Example: HUSTINGS_USER=returning-officer hustings user totp reset clerk-dana
    """
    totp.reset(uow(ctx), username, acting(ctx))
    console.print(f"second factor off for {username}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
