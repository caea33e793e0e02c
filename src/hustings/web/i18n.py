"""Translations (gettext catalogues compiled by Babel) and the reader's locale.

Catalogues live in `web/locale/<lang>/LC_MESSAGES/messages.mo`; `messages.pot` is extracted with
`pybabel extract -F src/hustings/web/babel.cfg -o src/hustings/web/locale/messages.pot
src/hustings/web` (see docs/web.md).
Without a catalogue the text is English (gettext's NullTranslations).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LOCALE = "en"


@cache
def available_locales() -> tuple[str, ...]:
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/messages.mo"))
    return (DEFAULT_LOCALE, *[name for name in found if name != DEFAULT_LOCALE])


@cache
def translations(locale: str) -> gettext.NullTranslations:
    if locale == DEFAULT_LOCALE or locale not in available_locales():
        return gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def negotiate(accept_language: str | None) -> str:
    """The best available locale for an Accept-Language header; English otherwise."""
    if not accept_language:
        return DEFAULT_LOCALE
    preferred = [part.split(";")[0].strip().replace("-", "_")
                 for part in accept_language.split(",") if part.strip()]
    chosen = Locale.negotiate(preferred, list(available_locales()), sep="_")
    return str(chosen) if chosen is not None else DEFAULT_LOCALE


def direction(locale: str) -> str:
    """'rtl' or 'ltr', for the page's `dir` attribute (the CSS uses logical properties)."""
    try:
        order = Locale.parse(locale).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"
