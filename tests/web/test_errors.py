"""Every error a message: an unexpected exception is a short 500 with an incident id (the
traceback in the incident log only); a database that goes away is a 503 naming the database
without its password."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import make_client
from tests.web.seed import SLUG, seed


@pytest.fixture
def incident_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "incidents.log"
    monkeypatch.setenv("HUSTINGS_INCIDENT_LOG", str(path))
    return path


def _break(client: TestClient) -> None:
    """A route with a bug in it (the application has none on purpose)."""

    def boom() -> None:
        raise ZeroDivisionError("a bug deep inside")

    client.app.add_api_route("/api/boom", boom)  # type: ignore[attr-defined]
    client.app.add_api_route("/boom", boom)  # type: ignore[attr-defined]


def test_an_unexpected_error_is_an_incident(container: object, uow_factory: object,
                                            incident_log: Path) -> None:
    with make_client(container) as client:
        _break(client)
        r = client.get("/api/boom")
        assert r.status_code == 500
        error = r.json()["error"]
        assert error["code"] == "internal_error"
        incident = r.headers["x-incident"]
        assert f"incident {incident}" in error["message"]
        assert "ZeroDivisionError" not in r.text and "Traceback" not in r.text
        page = client.get("/boom")
        assert page.status_code == 500 and "text/html" in page.headers["content-type"]
        assert page.headers["x-incident"] in page.text and "Traceback" not in page.text
        assert page.headers["content-security-policy"]  # still behind the security headers
    logged = incident_log.read_text("utf-8")
    assert f"incident {incident} " in logged and "GET /api/boom" in logged
    assert "ZeroDivisionError: a bug deep inside" in logged


def test_a_lost_database_is_503_naming_it_without_the_password(
        container: object, uow_factory: object, database_url: str, tmp_path: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    seed(uow_factory)  # type: ignore[arg-type]
    with make_client(container) as client:
        assert client.get(f"/api/elections/{SLUG}").status_code == 200
        url = make_url(database_url)
        if url.get_backend_name() == "sqlite":
            folder = Path(str(url.database)).parent
            folder.rename(folder.with_name(folder.name + "-gone"))
            shown = str(url.database)
        else:  # the database is dropped under the running application
            from hustings.storage.engine import make_engine

            container.engine.dispose()  # type: ignore[attr-defined]
            admin = make_engine(url.set(database="postgres").render_as_string(
                hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
            admin.dispose()
            shown = f"/{url.database}"
        container.engine.dispose()  # type: ignore[attr-defined]
        # what was served already is still served, from the page cache ...
        assert client.get(f"/api/elections/{SLUG}").status_code == 200
        # ... anything else is a clear 503
        r = client.get(f"/api/elections/{SLUG}/versions")
        assert r.status_code == 503, r.text
        error = r.json()["error"]
        assert error["code"] == "unavailable" and shown in error["message"]
        assert "Traceback" not in r.text
        page = client.get("/history")
        assert page.status_code == 503 and "Temporarily unavailable" in page.text


def test_the_password_is_never_shown(tmp_path: Path) -> None:
    from hustings.domain.errors import Unavailable
    from hustings.storage.engine import make_engine, safe_url

    assert safe_url("postgresql://u:hunter2@h/db") == "postgresql://u:***@h/db"
    with pytest.raises(Unavailable) as caught:
        make_engine("mysql://u:hunter2@h/db")
    assert "hunter2" not in str(caught.value) and "u:***@h/db" in str(caught.value)
