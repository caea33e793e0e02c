"""SQLAlchemy tables, row <-> domain mapping, repositories, unit of work, Alembic migrations."""
