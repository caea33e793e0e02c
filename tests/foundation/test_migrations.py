"""Migrations: upgrade from empty, downgrade to nothing, upgrade again — on both backends."""

from __future__ import annotations

from sqlalchemy import inspect

from hustings.storage.engine import make_engine
from hustings.storage.migrate import current_revision, downgrade, upgrade
from hustings.storage.tables import metadata


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is not None  # the fixture migrated it
        downgrade(engine, "base")
        assert current_revision(engine) is None
        leftover = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert leftover == set()
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        engine.dispose()


def test_migrations_match_the_tables(database_url: str) -> None:
    """Autogenerate finds nothing to add: the migrations build exactly `tables.py`."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        engine.dispose()
