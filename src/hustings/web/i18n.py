"""Translations (gettext catalogues compiled by Babel) and the reader's locale.

Catalogues live in `web/locale/<lang>/LC_MESSAGES/messages.mo`; `messages.pot` is extracted with
`pybabel extract -F src/hustings/web/babel.cfg -o src/hustings/web/locale/messages.pot
src/hustings/web` (see docs/web.md).
Without a catalogue the text is English (gettext's NullTranslations).
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import Translations


def N_(message: str) -> str:  # noqa: N802 - marks a msgid for extraction (pybabel -k N_)
    return message


# the lifecycle states' names, for messages made in Python (templates use `status_label`)
STATUS_NAMES = {"draft": N_("Draft"), "nominations": N_("Nominations open"),
                "voting": N_("Voting"), "counting": N_("Counting"),
                "provisional": N_("Provisional result"), "certified": N_("Certified result")}

# counting methods by their registry names (the English page shows the name itself)
METHOD_NAMES = {"plurality": N_("plurality"), "two-round": N_("two-round"), "irv": N_("irv"),
                "stv": N_("stv"), "exhaustive": N_("exhaustive"), "college": N_("college"),
                "points": N_("points"), "approval": N_("approval"), "borda": N_("borda"),
                "schulze": N_("schulze"), "ranked-pairs": N_("ranked-pairs"),
                "copeland": N_("copeland"), "minimax": N_("minimax"), "confirm": N_("confirm")}

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


ALIASES = {"iw": "he"}  # the old ISO 639 code some browsers still send for Hebrew
_TAG = re.compile(r"^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$")


def _preferences(accept_language: str) -> list[str]:
    """The header's language tags, best first (by q, then order); malformed parts dropped."""
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language[:1000].split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        if not _TAG.match(tag):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
        if 0 < q <= 1:
            primary, *rest = tag.replace("-", "_").split("_")
            ranked.append((-q, i, "_".join([ALIASES.get(primary.lower(), primary), *rest])))
    return [tag for _q, _i, tag in sorted(ranked)]


def negotiate(accept_language: str | None) -> str:
    """The best available locale for an Accept-Language header; English otherwise (also for a
    malformed header)."""
    if not accept_language:
        return DEFAULT_LOCALE
    chosen = Locale.negotiate(_preferences(accept_language), list(available_locales()), sep="_")
    return str(chosen) if chosen is not None else DEFAULT_LOCALE


def known(code: str | None) -> str | None:
    """`code` (a `lang` cookie or `?lang=` value) if a catalogue exists for it, else None."""
    if not code:
        return None
    code = ALIASES.get(code.strip().lower(), code.strip().lower())
    return code if code in available_locales() else None


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The reader's locale: `?lang=`, then the `lang` cookie, then Accept-Language, then
    English. Unknown values are ignored, never an error."""
    return known(query) or known(cookie) or negotiate(accept_language)


def direction(locale: str) -> str:
    """'rtl' or 'ltr', for the page's `dir` attribute (the CSS uses logical properties)."""
    try:
        order = Locale.parse(locale).character_order
    except (UnknownLocaleError, ValueError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"
