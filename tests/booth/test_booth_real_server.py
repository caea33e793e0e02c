"""The browser booth against a real `hustings serve` (not the harness): members vote in headless
Chromium, the server admits their ballots to the board, the trustees decrypt, the result is
certified, and the exported record passes the independent verifier (`hustings-verify`)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from hustings.bootstrap import Container, Settings
from hustings.services import lifecycle, online
from hustings.services import online_clients as oc
from tests.elections.builders import committee
from tests.online.flow import election, opened, trustee_ctx

BIN = Path(sys.executable).parent
CHOICES = {"cleo": 2, "ada": 1}  # two members choose Cleo in the browser, one Ada


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vote(browser, base: str, slug: str, credential: str, choice: str) -> str:
    """One member's visit: credential, choice, review, cast; the tracker shown at the end."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}/elections/{slug}/vote")
        page.wait_for_selector("#step-credential:not([hidden])")
        page.fill("#credential", credential)
        page.press("#credential", "Enter")
        page.wait_for_selector("#step-choose:not([hidden])")
        page.check(f"input[value='{choice}']")
        page.click("#choose-submit")
        page.wait_for_selector("#step-review:not([hidden])")
        page.click("#cast")
        page.wait_for_selector("#step-done:not([hidden])")
        page.wait_for_selector("#board-check:not(:empty)")
        assert "is on the public board" in (page.text_content("#board-check") or "")
        tracker = page.text_content("#done-tracker") or ""
    finally:
        context.close()
    assert not errors, errors
    return tracker


def test_members_vote_in_the_browser_and_the_record_verifies(
        browser, tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "h.db")
    url = f"sqlite:///{tmp_path / 'h.db'}"
    box = Container(Settings(url))
    try:
        slug = election(box.uow_factory, "booth-served", members=4)
        poll = opened(box.uow_factory, slug)
    finally:
        box.close()
    port = _free_port()
    server = subprocess.Popen([str(BIN / "hustings"), "--db", url, "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "HUSTINGS_SECRET_KEY": "test-only"})
    base = f"http://127.0.0.1:{port}"
    credentials = iter(sorted(poll.credentials.values()))
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/api/elections", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        trackers = [_vote(browser, base, slug, next(credentials), choice)
                    for choice, times in CHOICES.items() for _ in range(times)]
        board = json.loads(urllib.request.urlopen(
            f"{base}/api/elections/{slug}/online/board").read())
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert len(set(trackers)) == 3 and all(t in json.dumps(board) for t in trackers)
    box = Container(Settings(url))
    try:
        factory = box.uow_factory
        online.close(factory, slug, committee(factory))
        for j in (1, 2):  # trustee 3 is away: 2 of 3 decrypt
            oc.decrypt(factory, slug, poll.keys[j], trustee_ctx(factory, j))
        assert online.decrypt_tally(factory, slug, committee(factory)) == {
            "ada": 1, "ben": 0, "cleo": 2}
        online.publish(factory, slug, committee(factory))
        lifecycle.certify(factory, slug, committee(factory), date(2024, 3, 2))
    finally:
        box.close()
    record = tmp_path / "record"
    exported = subprocess.run([str(BIN / "hustings"), "--db", url, "online", "export", slug,
                               str(record)], capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    checked = subprocess.run([str(BIN / "hustings-verify"), str(record)], capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # the independent verifier is not a rubber stamp: one changed ballot is caught
    data = json.loads((record / "record.json").read_text())
    first = data["board"][0]["ballot"]["answers"][0]["choices"][0]
    first["alpha"], first["beta"] = first["beta"], first["alpha"]
    (record / "record.json").write_text(json.dumps(data))
    manifest = json.loads((record / "manifest.json").read_text())  # re-listed, as a forger would
    manifest["files"]["record.json"] = hashlib.sha256(
        (record / "record.json").read_bytes()).hexdigest()
    (record / "manifest.json").write_text(json.dumps(manifest))
    checked = subprocess.run([str(BIN / "hustings-verify"), str(record)], capture_output=True,
                             text=True)
    assert checked.returncode == 1 and "board" in (checked.stdout + checked.stderr)


def test_a_voter_finds_their_tracker_on_the_public_board_page(container) -> None:
    from tests.web.conftest import make_client

    factory = container.uow_factory
    slug = election(factory, "board-page", members=3)
    poll = opened(factory, slug)
    mine, other = sorted(poll.credentials.values())[:2]
    tracker = oc.vote(factory, slug, mine, ["ben"])
    oc.vote(factory, slug, other, ["ada"])
    client = make_client(container)
    page = client.get(f"/elections/{slug}/board", params={"tracker": tracker}).text
    assert "Your ballot is on the board at position 1." in page
    assert "Ballots on the board</dt><dd>2</dd>" in page and tracker in page
    missing = client.get(f"/elections/{slug}/board", params={"tracker": "x" * 20}).text
    assert "No ballot on the board has this tracker." in missing
    assert client.get("/elections/no-such/board").status_code == 404
    booth = client.get(f"/elections/{slug}/vote").text
    assert f'data-board-url="/elections/{slug}/board"' in booth
