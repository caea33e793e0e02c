"""schemathesis against /api/openapi.json: no generated request gets a 5xx answer.

Requests are sent in-process (ASGI) as a signed-in administrator with the CSRF header, so the
administrative calls run their services on generated input too, on a seeded SQLite database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from hustings.bootstrap import Container, Settings
from hustings.web.app import create_app
from hustings.web.config import WebConfig
from hustings.web.security import COOKIE
from tests.web.conftest import SECRET
from tests.web.seed import PASSWORD, seed


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    container = Container(Settings(f"sqlite:///{path}"))
    seed(container.uow_factory)
    yield create_app(container.settings, WebConfig(secret_key=SECRET, signin_failures=10**6,
                                                    signin_failures_per_address=10**6,
                                                    signin_failures_overall=10**6),
                     container=container)
    container.close()


@pytest.fixture(scope="module")
def api_schema(api_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", api_app)


@pytest.fixture(scope="module")
def administrator(api_app: Any) -> dict[str, str]:
    """Headers of a signed-in administrator: the session cookie and the CSRF token."""
    client = TestClient(api_app)
    r = client.post("/api/session", json={"username": "administrator", "password": PASSWORD})
    assert r.status_code == 200
    return {"cookie": f"{COOKIE}={client.cookies[COOKIE]}",
            "x-csrf-token": r.json()["csrf_token"]}


def test_no_server_errors(api_schema: Any, administrator: dict[str, str]) -> None:
    """Every operation, 30 generated requests each (derandomised: the same every run)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    answers: set[tuple[str, int]] = set()

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_5xx(case: Any) -> None:
            response = case.call(headers=administrator)
            answers.add((case.method, response.status_code))
            case.validate_response(response, checks=[not_a_server_error])

        no_5xx()
    # the session held: changes reached their services (not only 401/403 refusals)
    assert {status for method, status in answers if method == "POST"} - {401, 403}
