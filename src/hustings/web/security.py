"""Session cookies (signed; they carry the server-side session token), CSRF tokens,
and security headers. (Failed sign-ins are counted in the database: services.throttle.)"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "hustings_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
))
SECURITY_HEADERS = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
)


@dataclass
class Session:
    """What the cookie holds: the server-side session's token (id and key, see
    services.sessions), or the token of one waiting for its second factor, the CSRF token and
    a one-shot notice."""

    token: str | None = None
    pending: str | None = None  # a session whose password was right, waiting for its code
    csrf: str | None = None
    flash: str | None = None
    dirty: bool = False

    def csrf_token(self) -> str:
        """The session's CSRF token, minted on first use."""
        if self.csrf is None:
            self.csrf = secrets.token_urlsafe(32)
            self.dirty = True
        return self.csrf

    def csrf_ok(self, submitted: str | None) -> bool:
        if not self.csrf or not submitted:
            return False
        return hmac.compare_digest(self.csrf.encode(), submitted.encode())

    def sign_in(self, token: str) -> None:
        """A new session and a new CSRF token on every sign-in, so neither a session id nor a
        token planted before it is worth anything."""
        self.token, self.pending, self.csrf, self.dirty = token, None, None, True
        self.csrf_token()

    def await_code(self, token: str) -> None:
        """The password was right; the session starts once the second factor's code is."""
        self.token, self.pending, self.dirty = None, token, True

    def sign_out(self) -> None:
        self.token, self.pending, self.csrf, self.flash, self.dirty = None, None, None, None, True

    def set_flash(self, message: str) -> None:
        self.flash, self.dirty = message, True

    def pop_flash(self) -> str | None:
        message, self.flash = self.flash, None
        if message is not None:
            self.dirty = True
        return message


class SessionCodec:
    """Session <-> cookie value, signed and timestamped with itsdangerous."""

    def __init__(self, secret: str, max_age: int):
        self.serializer = URLSafeTimedSerializer(secret, salt="hustings.session")
        self.max_age = max_age

    def load(self, value: str | None) -> Session:
        if not value:
            return Session()
        try:
            data: dict[str, Any] = self.serializer.loads(value, max_age=self.max_age)
        except (BadSignature, ValueError, TypeError):
            return Session(dirty=True)  # replace a forged or expired cookie
        if not isinstance(data, dict):
            return Session(dirty=True)
        return Session(token=_text(data.get("s")), pending=_text(data.get("p")),
                       csrf=_text(data.get("c")), flash=_text(data.get("f")))

    def dump(self, session: Session) -> str:
        return self.serializer.dumps({"s": session.token, "p": session.pending,
                                      "c": session.csrf, "f": session.flash})

    def set_cookie_header(self, session: Session, secure: bool) -> str:
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
        if session.token is None and session.pending is None and session.csrf is None \
                and session.flash is None:
            return f"{COOKIE}=; Max-Age=0{flags}"
        return f"{COOKIE}={self.dump(session)}{flags}"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _cookie(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:
                return None
            morsel = jar.get(COOKIE)
            return morsel.value if morsel else None
    return None


class SecurityMiddleware:
    """Loads the session into `request.state.session`; adds headers and the cookie if changed."""

    def __init__(self, app: ASGIApp, codec: SessionCodec):
        self.app, self.codec = app, codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self.codec.load(_cookie(scope))
        scope.setdefault("state", {})["session"] = session
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers.append(name, value)
                if session.dirty:
                    headers.append("set-cookie", self.codec.set_cookie_header(session, secure))
                    headers.append("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
