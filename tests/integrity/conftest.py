"""Fixtures for the integrity tests: the demo database built once per backend, then copied."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKENDS, DEMO_DIR


def _build_demo(url: str) -> None:
    from hustings.bootstrap import Container, Settings
    from hustings.services.demo import build_demo

    container = Container(Settings(url))
    try:
        build_demo(container.uow_factory, DEMO_DIR)
    finally:
        container.close()


@pytest.fixture(scope="session")
def demo_sqlite_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    _build_demo(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def demo_postgres_template(postgres_template: Any) -> Iterator[str]:
    from sqlalchemy import text

    admin, base, template = postgres_template
    name = f"hustings_demo_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    _build_demo(base.set(database=name).render_as_string(hide_password=False))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_counter = iter(range(10**9))


@pytest.fixture(params=BACKENDS)
def demo_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A private copy of the demo database (the whole 2001 story), on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "demo.db"
        shutil.copy(request.getfixturevalue("demo_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    from sqlalchemy import text

    admin, base, _ = request.getfixturevalue("postgres_template")
    template = request.getfixturevalue("demo_postgres_template")
    name = f"hustings_d_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def demo(demo_url: str) -> Iterator[Any]:
    """A container on the demo copy."""
    from hustings.bootstrap import Container, Settings

    c = Container(Settings(demo_url))
    yield c
    c.close()

