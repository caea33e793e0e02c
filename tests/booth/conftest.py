"""Fixtures for the browser booth: the harness app under uvicorn and headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.booth.harness import Poll, build_app, serve
from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def polls() -> dict[str, Poll]:
    """The online polls the harness serves; tests add theirs."""
    return {}


@pytest.fixture(scope="module")
def base_url(polls: dict[str, Poll]) -> Iterator[str]:
    with serve(build_app(polls)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail(f"{CHROMIUM} is missing: browser tests are mandatory when CI=true")
        pytest.skip(f"{CHROMIUM} is absent: browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def js(browser, base_url: str) -> Iterator[object]:
    """A blank page of the harness (same origin as the static files, the site's CSP) in which
    tests import the booth's modules: `js.evaluate("async () => ...")`."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/blank")
    yield page
    context.close()
    assert not errors, errors
