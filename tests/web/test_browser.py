"""Browser tests (Playwright + Debian's chromium) against uvicorn on loopback.

Skipped when /usr/bin/chromium is absent, except when CI=true: then they fail.
Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT
from tests.web.seed import DATA, PASSWORD, SLUG, open_voting, seed

DOUBLE = "union-2025"  # every sheet needs two clerks' matching entries

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    if IN_CI:
        pytest.fail(f"{CHROMIUM} is missing: browser tests are mandatory when CI=true",
                    pytrace=False)
    pytest.skip(f"{CHROMIUM} is absent: browser tests skipped", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeded app under uvicorn in a background thread; yields its base URL."""
    import uvicorn

    from hustings.bootstrap import Container, Settings
    from hustings.web.app import create_app
    from hustings.web.config import WebConfig

    path = tmp_path_factory.mktemp("browser") / "web.db"
    container = Container(Settings(f"sqlite:///{path}"))
    seed(container.uow_factory)
    seed_double_entry(container.uow_factory)
    app = create_app(container.settings, WebConfig(secret_key="browser-test", live_poll_seconds=1),
                     container=container)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    container.close()


def seed_double_entry(uow_factory: object) -> None:
    """union-2025: like union-2024 but with two-clerk entry; N and S entered by both clerks."""
    import tests.identities as ids
    from hustings.services import elections, tallies

    ctx = ids.ctx(uow_factory, "seed")  # type: ignore[arg-type]
    text = (DATA / "union-2024.toml").read_text("utf-8").replace(
        'slug = "union-2024"', f'slug = "{DOUBLE}"').replace(
        "sheet_entries = 1", "sheet_entries = 2").replace("2024 Example", "2025 Example")
    elections.create_election(uow_factory, text, "union-2025.toml", ctx)  # type: ignore[arg-type]
    elections.freeze_roll(uow_factory, DOUBLE, ctx)  # type: ignore[arg-type]
    open_voting(uow_factory, DOUBLE)  # type: ignore[arg-type]
    for clerk in ("clerk", "clerk-2"):
        tallies.import_tallies(uow_factory, DOUBLE,  # type: ignore[arg-type]
                               (DATA / "tally-2024.csv").read_bytes(), "tally-2024.csv",
                               ids.ctx(uow_factory, clerk, "clerk"))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _watch_csp(page: object) -> list[str]:
    """Console errors (CSP violations show up here) and requests to other origins."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    return problems


def test_public_pages(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    errors = _watch_csp(page)
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/")
    assert page.locator("h1").first.inner_text() == "Example Workers' Union"
    _shot(page, "home")
    page.goto(f"{server}/elections/{SLUG}")
    assert page.locator("svg.bar-chart").is_visible()
    _shot(page, "election")
    header = page.locator("table.by-precinct thead th button", has_text="Ballots cast")
    header.focus()
    page.keyboard.press("Enter")  # keyboard-usable sorting
    first = page.locator("table.by-precinct tbody tr").first.locator("th").inner_text()
    assert first.startswith("South depot")
    assert page.locator("table.by-precinct thead th[aria-sort=ascending]").count() == 1
    page.goto(f"{server}/api/docs")
    _shot(page, "api-docs")
    assert not errors, errors
    assert not foreign, foreign
    page.close()


def test_phone_layout(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)  # type: ignore[attr-defined]
    page.goto(f"{server}/elections/{SLUG}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    _shot(page, "election-phone")
    page.close()


def test_clerk_enters_a_sheet_and_live_page_updates(server: str, browser: object) -> None:
    viewer = browser.new_page(viewport={"width": 1000, "height": 900})  # type: ignore[attr-defined]
    errors = _watch_csp(viewer)
    viewer.goto(f"{server}/elections/{SLUG}/live")
    assert "Precincts reporting: 2 of 3" in viewer.inner_text("#live-panel")
    viewer.evaluate("window.__notReloaded = true")
    _shot(viewer, "live-before")

    clerk = browser.new_context().new_page()  # type: ignore[attr-defined]
    clerk.goto(f"{server}/admin/elections/{SLUG}/tally/enter")
    assert "/signin" in clerk.url
    clerk.fill("#username", "clerk")
    clerk.fill("#password", PASSWORD)
    clerk.click("button[type=submit]")
    clerk.wait_for_url(f"**/admin/elections/{SLUG}/tally/enter")
    clerk.select_option("#precinct", "E")
    for field, value in (("registered", "6"), ("ballots_cast", "5"), ("votes_adler", "1"),
                         ("votes_baptiste", "3"), ("votes_chen", "0"), ("blank", "0"),
                         ("invalid", "1")):
        clerk.fill(f"#{field}", value)
    _shot(clerk, "tally-enter")
    clerk.click("form.tally-form button[type=submit]")
    clerk.wait_for_load_state()
    assert "The tally sheet of E is accepted." in clerk.inner_text("main")
    _shot(clerk, "tally-accepted")

    from playwright.sync_api import expect

    expect(viewer.locator("#live-panel")).to_contain_text("Precincts reporting: 3 of 3",
                                                          timeout=10_000)
    assert viewer.evaluate("window.__notReloaded === true")
    assert "Jean Baptiste (winner)" in viewer.inner_text("#live-panel")
    _shot(viewer, "live-after")
    assert not errors, errors
    clerk.context.close()
    viewer.close()


def _enter_sheet_as(browser: object, server: str, username: str, slug: str,
                    says: str = "The tally sheet of E is accepted.") -> object:
    """Sign in as `username` in a fresh context and enter precinct E's sheet through the form;
    the page then `says` where the sheet stands."""
    clerk = browser.new_context().new_page()  # type: ignore[attr-defined]
    clerk.goto(f"{server}/signin?next=/admin/elections/{slug}/tally/enter")
    clerk.fill("#username", username)
    clerk.fill("#password", PASSWORD)
    clerk.click("button[type=submit]")
    clerk.wait_for_url(f"**/admin/elections/{slug}/tally/enter")
    clerk.select_option("#precinct", "E")
    for field, value in (("registered", "6"), ("ballots_cast", "5"), ("votes_adler", "1"),
                         ("votes_baptiste", "3"), ("votes_chen", "0"), ("blank", "0"),
                         ("invalid", "1")):
        clerk.fill(f"#{field}", value)
    clerk.click("form.tally-form button[type=submit]")
    clerk.wait_for_load_state()
    assert says in clerk.inner_text("main")
    return clerk


def test_two_clerks_match_and_the_live_page_is_pushed(server: str, browser: object) -> None:
    """Server-Sent Events: the live page changes only once both clerks' entries match."""
    from playwright.sync_api import expect

    viewer = browser.new_page(viewport={"width": 1000, "height": 900})  # type: ignore[attr-defined]
    errors = _watch_csp(viewer)
    viewer.goto(f"{server}/elections/{DOUBLE}/live")
    expect(viewer.locator("#live-panel")).to_have_attribute("data-mode", "push")
    viewer.evaluate("window.__notReloaded = true")
    first = _enter_sheet_as(browser, server, "clerk", DOUBLE,
                            "it is awaiting a second clerk's entry")
    viewer.wait_for_timeout(1500)
    assert "Precincts reporting: 2 of 3" in viewer.inner_text("#live-panel")  # one entry only
    second = _enter_sheet_as(browser, server, "clerk-2", DOUBLE)
    expect(viewer.locator("#live-panel")).to_contain_text("Precincts reporting: 3 of 3",
                                                          timeout=5_000)
    assert viewer.evaluate("window.__notReloaded === true")
    assert viewer.get_attribute("#live-panel", "data-mode") == "push"
    _shot(viewer, "live-pushed")
    assert not errors, errors
    for page in (first, second):
        page.context.close()  # type: ignore[attr-defined]
    viewer.close()


def test_record_pages(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    errors = _watch_csp(page)
    page.goto(f"{server}/history")
    assert page.locator("h1").inner_text() == "Leadership history"
    _shot(page, "history")
    page.goto(f"{server}/people/Ruth%20Adler")
    assert page.locator("h1").inner_text() == "Ruth Adler"
    _shot(page, "person")
    assert not errors, errors
    page.close()


def test_forms_are_keyboard_usable(server: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server + "/signin")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.focus("#username")
    page.keyboard.type("observer")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin")
    _shot(page, "admin")
    page.close()


def test_screenshots_exist() -> None:
    if os.environ.get("CI"):
        return
    assert ARTIFACTS.is_dir()
