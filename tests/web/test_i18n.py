"""Hebrew and English: the catalogue is complete and compiled, the language is chosen by
`?lang=`, the `lang` cookie and Accept-Language (never a 500), cached pages vary by language,
and every page renders in Hebrew with no English interface text left."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from hustings.web.i18n import LOCALE_DIR, available_locales, choose, direction, negotiate
from tests.conftest import ROOT
from tests.web.seed import SLUG, UPCOMING

PO = LOCALE_DIR / "he" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
POT = LOCALE_DIR / "messages.pot"


def _ids(path: Path) -> dict[object, object]:
    with path.open("rb") as f:
        return {m.id if isinstance(m.id, str) else tuple(m.id): m for m in read_po(f) if m.id}


# --- the catalogue ------------------------------------------------------------------------


def test_every_message_has_a_hebrew_translation() -> None:
    template, hebrew = _ids(POT), _ids(PO)
    assert set(template) == set(hebrew), "messages.po is not up to date: run `make i18n`"
    empty = [k for k, m in hebrew.items()
             if not all(m.string if isinstance(m.string, tuple) else (m.string,))]
    fuzzy = [k for k, m in hebrew.items() if m.fuzzy]
    assert not empty, f"untranslated: {empty}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_placeholders_are_kept_in_every_translation() -> None:
    pattern = re.compile(r"%\(\w+\)s|\{\w+\}|%%")
    for key, m in _ids(PO).items():
        english = key if isinstance(key, tuple) else (key,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(pattern.findall(english[-1]))
        for s in strings[1:] if len(strings) > 1 else strings:
            assert set(pattern.findall(s)) == wanted, (key, s)


def test_plural_forms_are_the_ones_babel_writes_for_hebrew() -> None:
    from babel.messages.plurals import get_plural

    with PO.open("rb") as f:
        catalog = read_po(f)
    assert catalog.plural_forms == get_plural("he").plural_forms


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for key, m in _ids(PO).items():
        if isinstance(key, tuple):
            assert compiled.ngettext(key[0], key[1], 1) == m.string[0]
            assert compiled.ngettext(key[0], key[1], 5) == m.string[1]
        else:
            assert compiled.gettext(key) == m.string, f"{key!r}: run `make i18n`"


def test_the_template_lists_every_message_in_the_sources(tmp_path: Path) -> None:
    out = tmp_path / "messages.pot"
    web = ROOT / "src" / "hustings" / "web"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "extract",
                    "-F", str(web / "babel.cfg"), "--no-location", "-k", "_", "-k", "gettext",
                    "-k", "ngettext:1,2", "-k", "N_", "-o", str(out), str(web)],
                   check=True, capture_output=True)
    # every message in the sources is in the template (so translated); the template may hold
    # more for a while (messages of a branch not merged yet): `make i18n` drops them
    missing = set(_ids(out)) - set(_ids(POT))
    assert not missing, f"messages.pot is stale: run `make i18n` ({missing})"


# --- choosing the language ----------------------------------------------------------------


def test_hebrew_is_available_and_right_to_left() -> None:
    assert available_locales() == ("en", "he")
    assert direction("he") == "rtl" and direction("en") == "ltr"


@pytest.mark.parametrize(("header", "expected"), [
    ("he-IL,he;q=0.9,en;q=0.8", "he"), ("en-GB,he;q=0.5", "en"), ("en;q=0.2, he;q=0.9", "he"),
    ("iw", "he"), ("fr, de", "en"), ("he;q=0", "en"), ("he;q=abc, en", "en"), (";;;,,=", "en"),
    ("*", "en"), ("\x00he", "en"), ("he" * 600, "en"), ("", "en"),
])
def test_accept_language_is_negotiated(header: str, expected: str) -> None:
    assert negotiate(header) == expected


def test_query_beats_cookie_beats_header() -> None:
    assert choose("he", "en", "en") == "he"
    assert choose(None, "he", "en") == "he"
    assert choose("klingon", "he", "en") == "he"
    assert choose("", "xx", "he-IL") == "he"
    assert choose("../../etc", None, None) == "en"


@given(st.text(max_size=200))
def test_any_accept_language_header_gives_a_known_locale(header: str) -> None:
    assert negotiate(header) in available_locales()
    assert choose(header, header, header) in available_locales()


def test_lang_query_sets_the_cookie_and_the_page_is_hebrew(web) -> None:
    r = web.client.get("/?lang=he")
    assert r.status_code == 200
    assert '<html lang="he" dir="rtl">' in r.text
    assert "lang=he" in r.headers["set-cookie"] and "Path=/" in r.headers["set-cookie"]
    assert "Accept-Language" in r.headers["vary"] and "Cookie" in r.headers["vary"]
    # the cookie now picks Hebrew over an English Accept-Language
    r = web.client.get(f"/elections/{SLUG}", headers={"accept-language": "en"})
    assert '<html lang="he" dir="rtl">' in r.text
    assert "תוצאות" in r.text


def test_the_switch_links_both_languages(web) -> None:
    r = web.client.get("/history")
    assert '<a href="/history?lang=he" lang="he" hreflang="he">עברית</a>' in r.text
    assert 'lang="en" hreflang="en" aria-current="true">English</a>' in r.text


@pytest.mark.parametrize("query", ["?lang=xx", "?lang=", "?lang=%00", "?lang=he&lang=zz"])
def test_an_unknown_language_falls_back_without_error(web, query: str) -> None:
    r = web.client.get("/" + query, headers={"accept-language": "he-IL,he;q=0.9,en"})
    assert r.status_code == 200
    assert '<html lang="he"' in r.text  # ignored: the Accept-Language header decides
    assert "set-cookie" not in r.headers or "lang=" not in r.headers["set-cookie"]


def test_a_malformed_accept_language_is_english(web) -> None:
    for header in (";q=;", "he;q=2", "\u00e9he".encode("latin-1"), "a" * 5000):
        r = web.client.get(f"/elections/{SLUG}", headers={"accept-language": header})
        assert r.status_code == 200, header
        assert '<html lang="en" dir="ltr">' in r.text


def test_cached_pages_vary_by_language(web) -> None:
    for _ in range(2):  # the second round is served from the page cache
        en = web.client.get(f"/elections/{SLUG}", headers={"accept-language": "en"}).text
        he = web.client.get(f"/elections/{SLUG}", headers={"accept-language": "he"}).text
        assert 'lang="en"' in en and "Results by precinct" in en
        assert 'lang="he"' in he and "תוצאות לפי קלפי" in he


# --- names in both languages --------------------------------------------------------------


def test_hebrew_pages_show_the_definition_names_in_hebrew(web) -> None:
    he = web.client.get(f"/elections/{SLUG}?lang=he").text
    assert 'הבחירות ליו"ר איגוד העובדים לדוגמה, 2024'.replace('"', "&#34;") in he
    assert "<bdi>רות אדלר</bdi>" in he and "ועד העובדים במחסן הצפוני" in he
    assert "<bdi>Li Chen</bdi>" in he  # no Hebrew name given: the original
    assert 'href="/people/Ruth%20Adler"' in he  # people keep one address
    assert "גזבר האיגוד ועורך ה&lt;עלון&gt;." in he  # escaped like any text
    assert 'direction="rtl"' in he  # the bar chart is mirrored
    en = web.client.get(f"/elections/{SLUG}?lang=en").text
    assert "Ruth Adler" in en and "רות אדלר" not in en and 'direction="rtl"' not in en
    home = web.client.get("/?lang=he").text
    assert "איגוד העובדים לדוגמה" in home


def test_people_pages_use_the_names_any_definition_gives(web) -> None:
    person = web.client.get("/people/Ruth%20Adler?lang=he").text
    assert "<h1><bdi>רות אדלר</bdi></h1>" in person
    assert 'הבחירות ליו"ר איגוד העובדים לדוגמה, 2024'.replace('"', "&#34;") in person
    assert "<h1><bdi>Ruth Adler</bdi></h1>" in web.client.get("/people/Ruth%20Adler?lang=en").text


# --- every page in Hebrew -----------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "svg"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "svg"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def _text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _data_words() -> set[str]:
    """Latin words the seeded data itself holds (names, titles, slugs, codes, CSV headers),
    which a Hebrew page shows as they are."""
    from tests.web.seed import DATA as SEED

    text = " ".join(p.read_text("utf-8") for p in SEED.iterdir())
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z']+", text)}


# Latin words a Hebrew page may show besides data: the product, formats, standards, roles'
# user names, counting-rule names, and the version reasons the count recorded (log data)
ALLOWED = {"hustings", "english", "api", "csv", "json", "toml", "utc", "sha", "javascript",
           "mediawiki", "nist", "sp", "docs", "election", "definition", "md", "openapi",
           "administrator", "clerk", "observer", "plurality", "rank", "precinct",
           "precincts", "reporting", "no", "has", "reported", "yet", "initial", "union"}


PAGES = ["/", f"/elections/{SLUG}", f"/elections/{UPCOMING}", f"/elections/{SLUG}/live",
         "/history", "/people/Ruth%20Adler", "/signin", "/no-such-page",
         f"/elections/{SLUG}/live/panel", f"/elections/{SLUG}/versions/1"]
ADMIN_PAGES = ["/admin", f"/admin/elections/{SLUG}", "/admin/elections-new", "/admin/members",
               f"/admin/elections/{SLUG}/precincts", f"/admin/elections/{SLUG}/roll",
               f"/admin/elections/{SLUG}/tally/import", f"/admin/elections/{SLUG}/tally/enter",
               f"/admin/elections/{SLUG}/ballots/import", f"/admin/elections/{SLUG}/disputes",
               f"/admin/elections/{SLUG}/status"]


def _english_left(web, path: str) -> list[str]:
    """The page's text (and labels) in Hebrew, less Hebrew, numbers and data: what is left
    would be interface text nobody translated."""
    r = web.client.get(path, headers={"accept-language": "he"})
    assert r.status_code in (200, 404), (path, r.status_code)
    assert '<html lang="he" dir="rtl">' in r.text or path.endswith("/panel")
    allowed = ALLOWED | _data_words()
    return [t for t in _text(r.text)
            if any(w.lower() not in allowed for w in re.findall(r"[A-Za-z][A-Za-z']+", t))]


def test_every_public_page_is_in_hebrew(web) -> None:
    left = {path: _english_left(web, path) for path in PAGES}
    assert not any(left.values()), {p: t for p, t in left.items() if t}


def test_every_administration_page_is_in_hebrew(web) -> None:
    import tests.identities as ids
    from hustings.services.disputes import file_dispute

    number = file_dispute(web.uow_factory, SLUG, "initial", ["N"], "ספירה שגויה בקלפי",
                          ids.ctx(web.uow_factory, "seed"))
    web.sign_in("administrator")
    pages = [*ADMIN_PAGES, f"/admin/elections/{SLUG}/disputes/{number}/ruling"]
    left = {path: _english_left(web, path) for path in pages}
    assert not any(left.values()), {p: t for p, t in left.items() if t}


def test_a_refused_form_names_its_problem_in_hebrew(web) -> None:
    csrf = web.sign_in("administrator")
    r = web.client.post(f"/admin/elections/{SLUG}/status?lang=he", data={"csrf_token": csrf})
    assert r.status_code == 422
    assert "יש בעיה" in r.text and "יש לבחור את השלב הבא" in r.text
    r = web.client.post(f"/admin/elections/{SLUG}/status?lang=en", data={"csrf_token": csrf})
    assert "choose the next step" in r.text


def test_static_assets_do_not_vary_by_language(web) -> None:
    r = web.client.get("/static/css/site.css")
    assert r.status_code == 200 and "vary" not in r.headers


def test_offices_and_people_are_named_from_every_definition() -> None:
    from hustings.formats.election_toml import LocalNames
    from hustings.services.web_queries import DefinitionNames
    from hustings.web.views import office_names, people_names

    he = LocalNames(office='יו"ר', people={"Ruth Adler": "רות אדלר"})
    named = {"a": DefinitionNames("Union", "President", "Members", {"he": he}),
             "b": DefinitionNames("Union", "Treasurer", "Members")}
    assert office_names(named, "he") == {"President": 'יו"ר'}
    assert office_names(named, "en") == {}
    assert people_names(named, "he_IL") == {"Ruth Adler": "רות אדלר"}


def test_the_switch_never_links_another_host(web) -> None:
    from starlette.requests import Request

    from hustings.web.templating import language_link

    def link(path: str) -> str:
        return language_link(Request({"type": "http", "path": path, "query_string": b"",
                                      "headers": [], "server": ("h", 80), "scheme": "http"}),
                             "he")

    assert link("//evil.example/x") == "/evil.example/x?lang=he"
    assert link("/people/Ruth Adler") == "/people/Ruth%20Adler?lang=he"
    r = web.client.get("/people/Ruth%20Adler")
    assert 'href="/people/Ruth%20Adler?lang=he"' in r.text
