"""`hustings vote --server URL`: the voter's command-line booth through the same HTTP API as the
browser booth, against a real `hustings serve`; the server's refusals keep their exit codes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hustings.bootstrap import Container, Settings
from hustings.crypto import credentials as cr
from hustings.services import online
from tests.cli_runner import run_cli
from tests.elections.builders import committee
from tests.online.flow import election, opened

HUSTINGS = str(Path(sys.executable).parent / "hustings")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_voting_through_the_api(capsys, tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "h.db")
    url = f"sqlite:///{tmp_path / 'h.db'}"
    box = Container(Settings(url))
    try:
        slug = election(box.uow_factory, "over-http", members=3)
        poll = opened(box.uow_factory, slug)
    finally:
        box.close()
    port = _free_port()
    server = subprocess.Popen([HUSTINGS, "--db", url, "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "HUSTINGS_SECRET_KEY": "test-only"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/api/elections", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        mine = tmp_path / "mine.txt"
        mine.write_text(next(iter(poll.credentials.values())))
        code, out, err = run_cli(capsys, "vote", slug, "--server", base, "--credential",
                                 str(mine), "--choice", "cleo", user=None)
        assert code == 0, err
        tracker = out.strip()
        board = urllib.request.urlopen(f"{base}/api/elections/{slug}/online/board").read()
        assert tracker.encode() in board
        stranger = tmp_path / "stranger.txt"
        stranger.write_text(cr.new_credential())
        code, out, err = run_cli(capsys, "vote", slug, "--server", base, "--credential",
                                 str(stranger), "--choice", "cleo", user=None)
        assert code == 6 and "not on the election's list" in err
        code, out, err = run_cli(capsys, "vote", "nope", "--server", base, "--credential",
                                 str(mine), "--choice", "cleo", user=None)
        assert code == 3
        box = Container(Settings(url))
        try:
            online.close(box.uow_factory, slug, committee(box.uow_factory))
        finally:
            box.close()
        code, out, err = run_cli(capsys, "vote", slug, "--server", base, "--credential",
                                 str(mine), "--choice", "ada", user=None)
        assert code == 5 and "closed" in err
    finally:
        server.terminate()
        server.wait(timeout=20)
    code, out, err = run_cli(capsys, "vote", slug, "--server", base, "--credential",
                             str(mine), "--choice", "ada", user=None)
    assert code == 8
