"""`create_app(settings)`: the FastAPI application over the services. Nothing runs at import."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from hustings.bootstrap import Container, Settings
from hustings.services.throttle import Limits
from hustings.services.web_queries import changed_elections, last_change
from hustings.web import (
    api,
    api_online,
    api_outcome,
    errors,
    routes_account,
    routes_admin,
    routes_booth,
    routes_disputes,
    routes_public,
    routes_users,
)
from hustings.web.cache import AnnounceWrites, ChangeWatcher, PageCache
from hustings.web.changes import ChangeHub
from hustings.web.config import WebConfig
from hustings.web.front import FrontCache
from hustings.web.limits import BodyLimit
from hustings.web.live import Broadcaster
from hustings.web.security import SecurityMiddleware, SessionCodec
from hustings.web.static import StaticAssets
from hustings.web.templating import STATIC_DIR, LanguageCookie

API_DESCRIPTION = """\
Read elections and results; administer them with a session.

Sign in with `POST /api/session` (JSON); send the returned `csrf_token` back in the
`X-CSRF-Token` header with every change. Every 4xx answer has the shape
`{"error": {"code", "message", "problems": [{"source", "line", "field", "message"}]}}`.
See docs/api.md.
"""


def create_app(settings: Settings, config: WebConfig | None = None,
               container: Container | None = None) -> FastAPI:
    """The web application: JSON API under /api, pages, static assets, one error mapping.

    `container` lets a caller share its composition root (tests); otherwise one is built
    from `settings` and closed when the application shuts down.
    """
    own = container is None
    box = container or Container(settings)
    web_config = config or WebConfig()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.broadcaster.bind(asyncio.get_running_loop())
        app.state.watcher.start()
        app.state.changes.start()
        yield
        app.state.changes.stop()
        app.state.watcher.stop()
        if own:
            box.close()

    app = FastAPI(title="hustings", version="1", description=API_DESCRIPTION,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None,
                  lifespan=lifespan)
    app.state.uow_factory = box.uow_factory  # migrates the schema once, here
    app.state.web_config = web_config
    app.state.signin_limits = Limits(web_config.signin_failures,
                                     web_config.signin_failures_per_address,
                                     web_config.signin_failures_overall,
                                     timedelta(seconds=web_config.signin_window))
    app.state.names_cache = {}
    app.state.page_cache = PageCache()
    app.state.broadcaster = Broadcaster()
    app.state.changes = ChangeHub(app.state.broadcaster.announce, box.change_channel())
    app.state.watcher = ChangeWatcher(lambda: last_change(box.uow_factory),
                                      lambda after: changed_elections(box.uow_factory, after),
                                      web_config.change_check_seconds,
                                      app.state.changes.changed)
    app.state.changes.bind(app.state.watcher)
    errors.install(app)
    for router in (api.router, api.admin, api.clerks, api_outcome.router, api_outcome.admin,
                   api_online.router,
                   routes_public.router, routes_admin.router, routes_admin.administration,
                   routes_admin.tallying, routes_disputes.router, routes_account.account,
                   routes_users.accounts,
                   routes_booth.router):
        app.include_router(router)
    static = StaticAssets(STATIC_DIR)
    app.mount("/static", static, name="static")
    app.add_middleware(errors.Incidents)
    app.add_middleware(AnnounceWrites, watcher=app.state.watcher)
    app.add_middleware(BodyLimit, form_bytes=web_config.max_form_bytes,
                       upload_bytes=web_config.max_upload_bytes)
    app.add_middleware(LanguageCookie)
    app.add_middleware(SecurityMiddleware,
                       codec=SessionCodec(web_config.secret_key, web_config.session_max_age))
    app.add_middleware(FrontCache, watcher=app.state.watcher, static=static)  # outermost
    return app


def serve_app() -> FastAPI:
    """The application of one `hustings serve --workers N` worker process (uvicorn calls it in
    each worker): settings from the environment the command set (HUSTINGS_DATABASE_URL,
    HUSTINGS_REDIS_URL, HUSTINGS_SECRET_KEY)."""
    return create_app(Settings.from_env())
