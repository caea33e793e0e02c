"""Shared fixtures: the real data folder, databases built by the real migrations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Signing keys are sealed with argon2id's minimum limits in tests (and the CLI subprocesses
# they start); production keeps libsodium's interactive limits. See services/identity.py.
os.environ["HUSTINGS_INSECURE_FAST_KDF"] = "1"


def _shared_dir(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        if IN_CI:
            pytest.fail(f"{path} is missing: real data is mandatory when CI=true")
        pytest.skip(f"{path} is absent (a user's clone): real-data test skipped")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data/` — real election data. Skips when absent, fails when absent in CI."""
    return _shared_dir("data")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """`../shared/seeds/` — the three encyclopedia articles. Same skip rule as `shared_data`."""
    return _shared_dir("seeds")


# --- databases built by the real migrations ------------------------------------------------

POSTGRES_URL = os.environ.get("HUSTINGS_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"]


def _require_postgres() -> str:
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("HUSTINGS_TEST_POSTGRES_URL is not set: PostgreSQL tests are mandatory "
                        "when CI=true")
        pytest.skip("HUSTINGS_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head; each test copies it."""
    from hustings.storage.engine import make_engine
    from hustings.storage.migrate import upgrade

    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_template() -> object:
    """A PostgreSQL template database migrated to head; each test clones it."""
    url = _require_postgres()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from hustings.storage.engine import make_engine, normalise_url
    from hustings.storage.migrate import upgrade

    base = make_url(normalise_url(url))
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"hustings_tmpl_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(base.set(database=name).render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    yield admin, base, name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_counter = iter(range(10**9))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    """A fresh, migrated database per test: SQLite (copied file) or PostgreSQL (cloned)."""
    if request.param == "sqlite":
        import shutil

        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    from sqlalchemy import text

    admin, base, template = request.getfixturevalue("postgres_template")
    name = f"hustings_t_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def container(database_url: str) -> object:
    from hustings.bootstrap import Container, Settings

    c = Container(Settings(database_url))
    yield c
    c.close()


@pytest.fixture
def uow_factory(container: object) -> object:
    return container.uow_factory  # type: ignore[attr-defined]


DEMO_DIR = ROOT / "examples" / "israeli-labor"
