"""Jinja2 pages: one environment per locale (gettext installed), filters, and `render`."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hustings.web.i18n import (
    METHOD_NAMES,
    available_locales,
    choose,
    direction,
    known,
    translations,
)

LANG_KEY = "lang"  # the query parameter and cookie that pick the language

STATIC_DIR = Path(__file__).parent / "static"


@cache
def static_url(path: str) -> str:
    """/static/PATH?v=HASH, so browsers may cache assets and still see new versions."""
    digest = hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]
    return f"/static/{path}?v={digest}"


_markdown = MarkdownIt("commonmark", {"html": False})  # raw HTML in the text is escaped


def markdown(text: object) -> Markup:
    """CommonMark (from docstrings and the OpenAPI document) as HTML; raw HTML is escaped."""
    return Markup(_markdown.render(str(text or "")))  # noqa: S704 - markdown-it escapes


def markdown_inline(text: object) -> Markup:
    """One line of CommonMark (no paragraph around it)."""
    return Markup(_markdown.renderInline(str(text or "")))  # noqa: S704


@pass_context
def who(context: Any, name: object) -> Markup:
    """A person's name as this page shows it (`shown_names`: the reader's language where the
    definition gives one), isolated in <bdi> so Hebrew and Latin names sit right in any text."""
    shown = context.get("shown_names") or {}
    return Markup("<bdi>{}</bdi>").format(shown.get(name, name))


def bdi(text: object) -> Markup:
    """Text of unknown direction (a recorded reason, a code) isolated inside a sentence."""
    return Markup("<bdi>{}</bdi>").format(text)


@cache
def environment(locale: str) -> Environment:
    env = Environment(loader=PackageLoader("hustings.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = lambda n: format_decimal(n, locale=locale)
    env.filters["day"] = lambda d: format_date(d, format="long", locale=locale) \
        if isinstance(d, date) else ""
    env.filters["day_month"] = lambda d: format_date(d, format="d MMMM", locale=locale) \
        if isinstance(d, date) else ""
    env.filters["who"] = who
    env.filters["bdi"] = bdi
    env.filters["markdown"] = markdown
    env.filters["markdown_inline"] = markdown_inline
    env.globals["static"] = static_url
    env.globals["languages"] = languages
    env.globals["language_link"] = language_link
    env.globals["method_name"] = lambda code: translations(locale).gettext(
        METHOD_NAMES[code]) if code in METHOD_NAMES else code
    env.globals["person_url"] = lambda name: "/people/" + quote(name, safe="")
    return env


def locale_of(request: Request) -> str:
    """`?lang=`, else the `lang` cookie, else Accept-Language, else English (`i18n.choose`)."""
    return choose(request.query_params.get(LANG_KEY), request.cookies.get(LANG_KEY),
                  request.headers.get("accept-language"))


@cache
def languages() -> tuple[tuple[str, str], ...]:
    """(code, the language's name in itself) for each catalogue: the language switch."""
    return tuple((code, Locale.parse(code).get_display_name(code) or code)
                 for code in available_locales())


def language_link(request: Request, code: str) -> str:
    """This page in language `code`: its path (never another host: `//x` is `/x`) + ?lang=."""
    path = "/" + unquote(request.url.path).lstrip("/")
    return quote(path, safe="/") + "?" + urlencode({LANG_KEY: code})


class LanguageCookie:
    """ASGI middleware: `?lang=CODE` naming a catalogue sets the `lang` cookie (a year), and
    every answer but static assets says it varies by language (`Vary: Accept-Language,
    Cookie`)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        chosen = known((query.get(LANG_KEY) or [None])[-1])

        async def with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not scope["path"].startswith("/static/"):  # assets are the same in every
                    headers.add_vary_header("Accept-Language")  # language
                    headers.add_vary_header("Cookie")
                if chosen is not None:
                    headers.append("set-cookie", f"{LANG_KEY}={chosen}; Path=/; "
                                   "Max-Age=31536000; SameSite=Lax")
            await send(message)

        await self.app(scope, receive, with_language)


def gettext_for(request: Request) -> Any:
    """The gettext function for messages made in Python (flash notices)."""
    return translations(locale_of(request)).gettext


def render(request: Request, template: str, context: dict[str, Any],
           status: int = 200) -> HTMLResponse:
    """Render a page with what every page needs: user, CSRF token, notice, language."""
    locale = locale_of(request)
    session = getattr(request.state, "session", None)
    page = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csrf_token": session.csrf_token if session is not None else (lambda: ""),
        "take_flash": session.pop_flash if session is not None else (lambda: None),
        "lang": locale.replace("_", "-"),
        "dir": direction(locale),
        **context,
    }
    html = environment(locale).get_template(template).render(page)
    return HTMLResponse(html, status_code=status)
