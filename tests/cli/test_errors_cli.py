"""Every error a message: database URLs that cannot be used (exit 8, the URL without its
password and what failed) and unexpected failures (exit 1, an incident id, the traceback in
the incident log, never on the terminal)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.conftest import POSTGRES_URL

UNAVAILABLE = 8


@pytest.fixture(autouse=True)
def incident_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "incidents.log"
    monkeypatch.setenv("HUSTINGS_INCIDENT_LOG", str(path))
    return path


def _unusable(capsys: pytest.CaptureFixture[str], url: str) -> str:
    code, out, err = run_cli(capsys, "--db", url, "election", "list")
    assert code == UNAVAILABLE, (code, out, err)
    assert "Traceback" not in out + err and "hunter2" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_unreachable_postgresql(capsys: pytest.CaptureFixture[str]) -> None:
    line = _unusable(capsys, "postgresql://someone:hunter2@127.0.0.1:1/votes")
    assert "postgresql://someone:***@127.0.0.1:1/votes" in line
    assert "refused" in line.lower() or "connect" in line.lower()


def test_missing_postgresql_database(capsys: pytest.CaptureFixture[str]) -> None:
    if not POSTGRES_URL:
        pytest.skip("HUSTINGS_TEST_POSTGRES_URL is not set")
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL).set(database="hustings_no_such_db", password="hunter2")
    line = _unusable(capsys, url.render_as_string(hide_password=False))
    assert '"hustings_no_such_db" does not exist' in line


def test_bad_sqlite_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _unusable(capsys, f"sqlite:///{tmp_path}/no/such/folder/h.db")
    assert f"sqlite:///{tmp_path}/no/such/folder/h.db" in line
    assert "unable to open database file" in line


def test_unsupported_and_malformed_urls(capsys: pytest.CaptureFixture[str]) -> None:
    line = _unusable(capsys, "mysql://root:hunter2@localhost/votes")
    assert "mysql://root:***@localhost/votes" in line and "mysql is not supported" in line
    line = _unusable(capsys, "just some words")
    assert "is not a database URL" in line


def test_an_unexpected_error_is_an_incident_not_a_traceback(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, incident_log: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (injected here: a query that breaks) becomes one line with an incident id."""
    import hustings.cli.elections as cli_elections

    def broken(*_args: object) -> None:
        raise ZeroDivisionError("a bug deep inside")

    monkeypatch.setattr(cli_elections, "list_elections", broken)
    code, out, err = run_cli(capsys, "--db", f"sqlite:///{tmp_path}/h.db", "election", "list")
    assert code == 1
    assert "Traceback" not in out + err and "ZeroDivisionError" not in out + err
    assert "incident " in err and str(incident_log) in err
    incident = err.split("incident ", 1)[1].split(")", 1)[0]
    logged = incident_log.read_text("utf-8")
    assert f"incident {incident}" in logged
    assert "Traceback" in logged and "ZeroDivisionError: a bug deep inside" in logged
    assert os.environ["HUSTINGS_INCIDENT_LOG"] == str(incident_log)
