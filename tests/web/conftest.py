"""The web app over a migrated database (SQLite and PostgreSQL), seeded through the services."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from hustings.web.config import WebConfig
from tests.web.seed import PASSWORD, seed

SECRET = "test-secret-not-for-production"


@dataclass
class Web:
    """A test client on a seeded app, and the unit of work behind it."""

    client: TestClient
    uow_factory: object

    def sign_in(self, role: str) -> str:
        """Sign in as the user named after `role`; returns the CSRF token."""
        r = self.client.post("/api/session", json={"username": role, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["csrf_token"])

    def csrf(self) -> str:
        return str(self.client.get("/api/session").json()["csrf_token"])


def make_client(container: object, config: WebConfig | None = None) -> TestClient:
    from hustings.web.app import create_app

    app = create_app(container.settings, config or WebConfig(secret_key=SECRET),  # type: ignore[attr-defined]
                     container=container)  # type: ignore[arg-type]
    return TestClient(app)


@pytest.fixture
def web(container: object, uow_factory: object) -> Iterator[Web]:
    seed(uow_factory)  # type: ignore[arg-type]
    with make_client(container) as client:
        yield Web(client, uow_factory)


@pytest.fixture
def fresh(container: object, uow_factory: object) -> Iterator[Web]:
    """An app on an empty database."""
    with make_client(container) as client:
        yield Web(client, uow_factory)
