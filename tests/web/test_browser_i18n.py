"""Both languages in Chromium (Playwright): the home and an election page in English and in
Hebrew, screenshotted (pytest's tmp dir, `browser-i18n/`), with `lang`/`dir` set, the language
switch working, no axe-core violation, the bar chart's labels inside the chart and nothing
wider than a 390 px phone. Skipped like tests/web/test_browser.py without /usr/bin/chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.booth.test_booth_accessibility import AXE, TAGS
from tests.web.seed import SLUG
from tests.web.test_browser import browser, server  # noqa: F401 - the shared fixtures


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-i18n")


def _violations(page: object) -> list[str]:
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    found = page.evaluate("""async (tags) => {  // type: ignore
      const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
    }""", TAGS)  # type: ignore[attr-defined]
    return list(found)


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("he", "rtl")])
def test_home_and_election_page_in_both_languages(server: str, browser: object,  # noqa: F811
                                                  shots: Path, lang: str,
                                                  direction: str) -> None:
    # axe builds its checks with `new Function`, which the site's policy forbids: this
    # context ignores the policy (test_browser.py runs the pages under it)
    context = browser.new_context(bypass_csp=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}/?lang={lang}")
    for name, path in (("home", "/"), ("election", f"/elections/{SLUG}")):
        page.goto(server + path)  # the cookie set by ?lang= keeps the language
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == direction
        page.screenshot(path=str(shots / f"{name}-{lang}.png"), full_page=True)
        assert (shots / f"{name}-{lang}.png").stat().st_size > 0
        assert _violations(page) == [], (name, lang)
    if lang == "he":
        assert page.locator("h1").inner_text().startswith("הבחירות")
        # the mirrored bar chart: every label and figure is drawn inside the chart
        box = page.locator("svg.bar-chart").bounding_box()
        for text in page.locator("svg.bar-chart text").all():
            t = text.bounding_box()
            assert box["x"] - 1 <= t["x"] and t["x"] + t["width"] <= box["x"] + box["width"] + 1
    # the switch leads to the other language
    other = "he" if lang == "en" else "en"
    page.click(f'.languages a[lang="{other}"]')
    assert page.get_attribute("html", "lang") == other
    context.close()


def test_hebrew_pages_fit_a_phone(server: str, browser: object, shots: Path) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page = context.new_page()
    for path in ("/?lang=he", f"/elections/{SLUG}", "/history"):
        page.goto(server + path)
        assert page.get_attribute("html", "dir") == "rtl"
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(f"{server}/elections/{SLUG}")
    page.screenshot(path=str(shots / "election-he-phone.png"), full_page=True)
    context.close()
