"""Web-only settings: the session secret, limits. Read from the environment, never logged."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from hustings.domain.errors import InvalidInput, Problem

CHECK_ENV = "HUSTINGS_CHANGE_CHECK_SECONDS"


def _secret_from_env() -> str:
    """HUSTINGS_SECRET_KEY, or a random per-process secret (sessions end with the process)."""
    return os.environ.get("HUSTINGS_SECRET_KEY") or secrets.token_urlsafe(32)


def _check_from_env() -> float:
    """HUSTINGS_CHANGE_CHECK_SECONDS (how often each process polls for changes), else 0.5."""
    text = os.environ.get(CHECK_ENV, "").strip()
    if not text:
        return 0.5
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.05 <= value <= 86400:
        raise InvalidInput(Problem(f"must be a number of seconds from 0.05 to 86400, not "
                                   f"{text[:40]!r}", CHECK_ENV))
    return value


@dataclass(frozen=True)
class WebConfig:
    secret_key: str = field(default_factory=_secret_from_env, repr=False)
    session_max_age: int = 12 * 3600  # seconds a session lasts after sign-in, at most
    session_idle: int = 30 * 60  # seconds without a request after which a session ends
    signin_failures: int = 5  # failed sign-ins allowed per user name (from any address),
    signin_failures_per_address: int = 20  # per client address (whatever the names),
    signin_failures_overall: int = 1000  # and overall (every address), shared by all workers,
    signin_window: float = 300.0  # within this many seconds (services.throttle)
    max_upload_bytes: int = 256 * 1024 * 1024  # routes that take files
    max_form_bytes: int = 1024 * 1024  # every other request body (sign-in, forms, JSON)
    # cached pages see other processes' changes this late at most (news over Redis or
    # PostgreSQL NOTIFY usually comes sooner: web.changes)
    change_check_seconds: float = field(default_factory=_check_from_env)
    live_poll_seconds: int = 3  # how often the live page asks for news without push (SSE)
    live_heartbeat_seconds: float = 15.0  # an SSE comment this often keeps proxies open
    live_stream_seconds: float = 300.0  # an SSE stream ends then; the browser reconnects
