"""Request-size limits on every route, enforced while the body streams in, over a real
HTTP server on loopback (the test client would read a body whole before the app sees it)."""

from __future__ import annotations

import select
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hustings.web.config import WebConfig
from tests.web.conftest import SECRET
from tests.web.seed import PASSWORD, SLUG, seed

MB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(container: object, uow_factory: object, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """The seeded app under uvicorn in a thread; yields (base URL, the process's temp dir)."""
    import uvicorn

    from hustings.web.app import create_app

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where uploads would be spooled
    seed(uow_factory)  # type: ignore[arg-type]
    app = create_app(container.settings,  # type: ignore[attr-defined]
                     WebConfig(secret_key=SECRET, max_upload_bytes=4 * MB),
                     container=container)  # type: ignore[arg-type]
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", spool
    server.should_exit = True
    thread.join(timeout=10)


def _disk(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _post_chunked(base: str, path: str, total: int) -> tuple[str, int]:
    """POST a chunked multipart body of up to `total` bytes over a raw socket, produced as it
    goes; stop as soon as the server answers. (status line, bytes sent)."""
    host, port = base.removeprefix("http://").split(":")
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n\r\n").encode()
    part = b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
    chunk = b"a" * (64 * 1024)
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(head + b"%x\r\n%s\r\n" % (len(part), part))
        while sent < total:
            if select.select([s], [], [], 0)[0]:
                break  # the server has answered
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                break  # closed by the server after answering
            sent += len(chunk)
        answer = s.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0], sent


@pytest.mark.parametrize("path", ["/signin", "/signout", f"/api/elections/{SLUG}/tally-sheets"])
def test_a_huge_anonymous_post_is_refused_before_it_reaches_the_disk(
        server: tuple[str, Path], path: str) -> None:
    base, spool = server
    status, sent = _post_chunked(base, path, 64 * MB)
    assert status.startswith("HTTP/1.1 413") or (path.startswith("/api") and " 401" in status)
    assert sent < 16 * MB  # answered while the body was still coming, not after it all
    assert _disk(spool) == 0 and not any(spool.iterdir())


def test_a_declared_huge_length_is_refused_at_once(server: tuple[str, Path]) -> None:
    base, spool = server
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/api/session", content=b"{}",
                        headers={"content-type": "application/json",
                                 "content-length": str(2)})
        assert r.status_code == 422  # a small body gets through to validation
        raw = (f"POST /signin HTTP/1.1\r\nHost: x\r\nContent-Length: {500 * MB}\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n\r\n").encode()
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(raw + b"username=a&password=b")
            answer = s.recv(4096).decode("latin-1")
        assert answer.startswith("HTTP/1.1 413")
    assert _disk(spool) == 0


def test_json_and_uploads_have_their_own_limits(server: tuple[str, Path]) -> None:
    base, spool = server
    with httpx.Client(base_url=base, timeout=30) as client:
        r = client.post("/api/session", json={"username": "clerk", "password": PASSWORD})
        headers = {"X-CSRF-Token": r.json()["csrf_token"]}
        big_json = b'{"precinct": "' + b"E" * (2 * MB) + b'"}'
        r = client.post(f"/api/elections/{SLUG}/tally-sheets", content=big_json,
                        headers={**headers, "content-type": "application/json"})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "too_large"
        # an upload route takes more than a form, up to its own limit (4 MB here) ...
        csv = b"precinct,registered\n" + b"E,1\n" * (MB // 2)
        r = client.post(f"/api/elections/{SLUG}/tally-sheets/import", content=csv,
                        headers={**headers, "content-type": "text/csv"})
        assert r.status_code == 422, r.text  # read whole, refused by the reader
        # ... and no more
        r = client.post(f"/api/elections/{SLUG}/tally-sheets/import", content=csv * 4,
                        headers={**headers, "content-type": "text/csv"})
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "too_large"
