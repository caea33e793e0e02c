"""Failed sign-ins are limited per user name, per client address and overall, counted in the
database so that every worker shares them (services.throttle)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hustings.web.app import create_app
from hustings.web.config import WebConfig
from tests.web.conftest import SECRET
from tests.web.seed import PASSWORD, seed

SPRAYED = "Summer2026!Summer2026!"  # one password tried across many user names


@pytest.fixture
def app_of(container: Any, uow_factory: Any) -> Iterator[Any]:
    """Apps (workers) over one seeded database, each with its own state."""
    seed(uow_factory)

    def make(**limits: Any) -> Any:
        return create_app(container.settings, WebConfig(secret_key=SECRET, **limits),
                          container=container)

    yield make


def client(app: Any, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def attempt(c: TestClient, username: str, password: str = SPRAYED) -> Any:
    return c.post("/api/session", json={"username": username, "password": password})


def test_one_password_across_150_names_is_refused_per_address(app_of: Any) -> None:
    app = app_of()
    sprayer = client(app, "198.51.100.7")
    statuses = [attempt(sprayer, f"user{i:03}").status_code for i in range(150)]
    assert statuses[:20] == [401] * 20  # the per-address limit is 20 in the window
    assert set(statuses[20:]) == {429}
    r = attempt(sprayer, "administrator", PASSWORD)  # even the right password, from there
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "too_many_requests"
    assert "from your address" in r.json()["error"]["message"]
    assert 1 <= int(r.headers["retry-after"]) <= 300
    # the right user still signs in from another address, through another worker
    other = client(app_of(), "203.0.113.20")
    r = attempt(other, "administrator", PASSWORD)
    assert r.status_code == 200 and r.json()["username"] == "administrator"


def test_a_spray_from_many_addresses_meets_the_overall_limit(app_of: Any) -> None:
    app = app_of(signin_failures_overall=30)
    statuses = [attempt(client(app, f"10.0.{i // 250}.{i % 250}"), f"user{i:03}").status_code
                for i in range(150)]
    assert statuses[:30] == [401] * 30 and set(statuses[30:]) == {429}
    r = attempt(client(app, "192.0.2.1"), "administrator", PASSWORD)
    assert r.status_code == 429 and "on this server" in r.json()["error"]["message"]
    assert int(r.headers["retry-after"]) >= 1


def test_one_name_from_many_addresses_meets_the_per_user_limit(app_of: Any) -> None:
    app = app_of()
    statuses = [attempt(client(app, f"10.1.0.{i}"), "clerk").status_code for i in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    assert attempt(client(app, "10.1.0.99"), "clerk", PASSWORD).status_code == 429
    assert attempt(client(app, "10.1.0.99"), "observer", PASSWORD).status_code == 200


def test_workers_share_the_counts(app_of: Any) -> None:
    first, second = app_of(), app_of()
    for i in range(10):
        assert attempt(client(first, "198.51.100.8"), f"user{i}").status_code == 401
    for i in range(10, 20):
        assert attempt(client(second, "198.51.100.8"), f"user{i}").status_code == 401
    assert attempt(client(first, "198.51.100.8"), "user99").status_code == 429


def test_the_sign_in_page_says_429_with_retry_after(app_of: Any) -> None:
    import re

    c = client(app_of(signin_failures_per_address=2), "198.51.100.9")
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/signin").text)
    assert token is not None
    for name in ("a1", "a2"):
        r = c.post("/signin", data={"csrf_token": token.group(1), "username": name,
                                    "password": SPRAYED})
        assert r.status_code == 401
    r = c.post("/signin", data={"csrf_token": token.group(1), "username": "administrator",
                                "password": PASSWORD})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    assert int(r.headers["retry-after"]) >= 1
