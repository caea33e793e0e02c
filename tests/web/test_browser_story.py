"""The demo's story pages in Chromium on a 390 x 844 phone: no page wider than the screen;
screenshots of the 2001 page, a version page and the history go to test-artifacts/."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tests.conftest import DEMO_DIR
from tests.web.test_browser import ARTIFACTS, _free_port, _watch_csp, browser  # noqa: F401

PHONE = {"width": 390, "height": 844}
PAGES = {
    "home": "/",
    "election-2001": "/elections/labor-2001",
    "election-2002": "/elections/labor-2002",
    "election-2003": "/elections/labor-2003",
    "election-2007": "/elections/labor-2007",
    "version-2001-5": "/elections/labor-2001/versions/5",
    "version-2007-1": "/elections/labor-2007/versions/1",
    "history": "/history",
    "person": "/people/Binyamin%20Ben-Eliezer",
}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo (built through the services) served by uvicorn on loopback."""
    import uvicorn

    from hustings.bootstrap import Container, Settings
    from hustings.services.demo import build_demo
    from hustings.storage.engine import make_engine
    from hustings.storage.migrate import upgrade
    from hustings.web.app import create_app
    from hustings.web.config import WebConfig

    path = tmp_path_factory.mktemp("story") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    container = Container(Settings(f"sqlite:///{path}"))
    build_demo(container.uow_factory, DEMO_DIR)
    app = create_app(container.settings, WebConfig(secret_key="story-test"), container=container)
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


def test_no_page_is_wider_than_a_phone(demo_server: str, browser: object) -> None:  # noqa: F811
    page = browser.new_page(viewport=PHONE, device_scale_factor=2)  # type: ignore[attr-defined]
    errors = _watch_csp(page)
    wide = {}
    for path in PAGES.values():
        response = page.goto(demo_server + path)
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert not wide, f"pages scroll sideways on a 390 px phone: {wide}"
    assert not errors, errors
    page.close()


def test_screenshots_of_the_story(demo_server: str, browser: object) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport=PHONE, device_scale_factor=2)  # type: ignore[attr-defined]
    page.goto(demo_server + "/elections/labor-2001")
    steps = page.locator("ol.story li .step-text").all_inner_texts()
    assert steps[0] == "4 September: Avraham Burg ahead by 1,088"
    assert steps[-1] == "Binyamin Ben-Eliezer elected 32,910 to 30,367"
    assert page.locator("svg.versions-chart a").count() == 6
    page.screenshot(path=str(ARTIFACTS / "story-2001-phone.png"), full_page=True)
    page.locator("svg.versions-chart a").nth(4).locator("circle").click()
    page.wait_for_url("**/elections/labor-2001/versions/5")
    assert "Change from version 4" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "story-version-phone.png"), full_page=True)
    page.goto(demo_server + "/history")
    # labels stay readable: the timeline's text is drawn at 11 px or more on the phone
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        'svg.timeline-chart text')].map(t => t.getBoundingClientRect().height))""")
    assert smallest >= 11, smallest
    page.screenshot(path=str(ARTIFACTS / "story-history-phone.png"), full_page=True)
    page.close()
    wide = browser.new_page(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    wide.goto(demo_server + "/elections/labor-2001")
    wide.screenshot(path=str(ARTIFACTS / "story-2001.png"), full_page=True)
    wide.close()
