"""`eclair bench store` on SQLite (WAL file) and on a real local PostgreSQL: every concurrent step is committed."""

from __future__ import annotations

from typing import Any

from eclair.bench.store import run_store_benchmark


def test_store_benchmark_on_sqlite_counts_every_step() -> None:
    figures = run_store_benchmark(steps=8, writers=4)
    assert figures["database"] == "sqlite"
    assert figures["concurrent_steps"] == 8 and figures["steps_single"] == 8
    assert 0 < figures["concurrent_p50_ms"] <= figures["concurrent_p95_ms"] <= figures["concurrent_p99_ms"]


def test_store_benchmark_on_postgres_writes_into_that_database(postgres_server: Any) -> None:
    from sqlalchemy import create_engine, text

    url = postgres_server.create_database()
    figures = run_store_benchmark(steps=8, writers=4, db_url=url)
    assert figures["database"] == "postgresql"
    assert figures["concurrent_steps"] == 8
    engine = create_engine(url)
    with engine.connect() as conn:  # 1 single-writer run + 4 concurrent runs, 8 + 4*2 steps
        assert conn.execute(text("select count(*) from runs")).scalar() == 5
        assert conn.execute(text("select count(*) from steps")).scalar() == 16
    engine.dispose()
