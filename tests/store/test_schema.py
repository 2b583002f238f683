"""The Alembic migrations and the SQLAlchemy models describe the same schema, on SQLite and Postgres."""

from __future__ import annotations

import io

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from eclair.store import Store
from eclair.store.engine import alembic_config
from eclair.store.models import Base


def test_migrated_database_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_migrations_render_for_postgres_without_sqlite_sql() -> None:
    cfg = alembic_config("postgresql://eclair@db.example/eclair")
    cfg.output_buffer = io.StringIO()
    command.upgrade(cfg, "head", sql=True)
    sql = cfg.output_buffer.getvalue()
    assert "CREATE TABLE steps" in sql and "TIMESTAMP WITH TIME ZONE" in sql
    assert "PRAGMA" not in sql and "AUTOINCREMENT" not in sql
