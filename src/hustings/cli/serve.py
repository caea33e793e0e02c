"""`hustings serve`: the web application under uvicorn, in one process or several workers."""

from __future__ import annotations

import os
import secrets

import typer

from hustings.cli.context import console, container, err_console
from hustings.domain.errors import InvalidInput, Problem

SECRET_ENV = "HUSTINGS_SECRET_KEY"


def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000, help="Port to listen on."),
          workers: int = typer.Option(1, help="Worker processes serving the one port (each "
                                      "a uvicorn worker; see docs/deployment.md)."),
          proxy_headers: bool = typer.Option(False, help="Trust X-Forwarded-* from a proxy "
                                             "(so cookies are Secure behind HTTPS).")) -> None:
    """Serve the public pages, the administration and the JSON API.

    Example: hustings serve --port 8000   (then open http://127.0.0.1:8000/)
    Sessions are signed with $HUSTINGS_SECRET_KEY, or a random key per server start when unset
    (shared by its workers). With --workers N > 1 the workers share sessions, sign-in limits
    and live updates through the database, or Redis when $HUSTINGS_REDIS_URL is set.
    """
    import uvicorn

    if workers < 1 or workers > 64:
        raise InvalidInput(Problem("must be between 1 and 64", "--workers"))
    from hustings.web.config import WebConfig

    WebConfig()  # a bad HUSTINGS_CHANGE_CHECK_SECONDS stops here, named
    box = container(ctx)
    box.uow_factory  # noqa: B018 - reach and migrate the database once, before any worker
    box.redis  # noqa: B018 - a bad HUSTINGS_REDIS_URL stops here, named without its password
    shown = f"[{host}]" if ":" in host else host
    forwarded = "*" if proxy_headers else None
    if workers == 1:
        from hustings.web.app import create_app

        app = create_app(box.settings, container=box)
        console.print(f"hustings is serving on http://{shown}:{port}/  (Ctrl+C stops it)",
                      markup=False, highlight=False)
        uvicorn.run(app, host=host, port=port, proxy_headers=proxy_headers,
                    forwarded_allow_ips=forwarded, log_level="warning")
        return
    # The workers are new processes: they read the settings from the environment.
    os.environ["HUSTINGS_DATABASE_URL"] = box.settings.database_url
    if not os.environ.get(SECRET_ENV):
        os.environ[SECRET_ENV] = secrets.token_urlsafe(32)
        err_console.print(f"note: {SECRET_ENV} is not set: the {workers} workers share a "
                          "random key, so sessions end when the server stops; set it for "
                          "sessions that outlive a restart and for several machines",
                          markup=False, highlight=False)
    box.close()
    console.print(f"hustings is serving on http://{shown}:{port}/ with {workers} workers  "
                  "(Ctrl+C stops it)", markup=False, highlight=False)
    uvicorn.run("hustings.web.app:serve_app", factory=True, workers=workers, host=host,
                port=port, proxy_headers=proxy_headers, forwarded_allow_ips=forwarded,
                log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
