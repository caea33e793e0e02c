"""Alembic environment: runs against the engine handed in by `hustings.storage.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from hustings.storage.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic` command line during development
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///hustings.db")

# A writer's transaction (SQLite: BEGIN IMMEDIATE), so two processes never migrate at once.
with engine.connect().execution_options(hustings_write=True) as connection, \
        connection.begin():
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
