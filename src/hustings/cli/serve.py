"""`hustings serve`: the web application under uvicorn."""

from __future__ import annotations

import typer

from hustings.cli.context import console, container


def serve(ctx: typer.Context,
          host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000, help="Port to listen on."),
          proxy_headers: bool = typer.Option(False, help="Trust X-Forwarded-* from a proxy "
                                             "(so cookies are Secure behind HTTPS).")) -> None:
    """Serve the public pages, the administration and the JSON API.

    Example: hustings serve --port 8000   (then open http://127.0.0.1:8000/)
    Sessions are signed with $HUSTINGS_SECRET_KEY, or a random key per process when unset.
    """
    import uvicorn

    from hustings.web.app import create_app

    box = container(ctx)
    app = create_app(box.settings, container=box)
    shown = f"[{host}]" if ":" in host else host
    console.print(f"hustings is serving on http://{shown}:{port}/  (Ctrl+C stops it)",
                  markup=False, highlight=False)
    uvicorn.run(app, host=host, port=port, proxy_headers=proxy_headers,
                forwarded_allow_ips="*" if proxy_headers else None, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
