"""Fixtures for the identity tests: the seeded web app and the demo database (both backends)."""

from __future__ import annotations

from tests.integrity.conftest import (  # noqa: F401 - fixtures used here
    demo,
    demo_postgres_template,
    demo_sqlite_template,
    demo_url,
)
from tests.web.conftest import web  # noqa: F401 - fixture used here
