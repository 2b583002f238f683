"""Run store and runner tests on every database engine: SQLite always, a real PostgreSQL server when installed.

A test module's conftest calls `parametrize_databases` from `pytest_generate_tests`; a test that is about SQLite
itself (PRAGMAs, file locking) carries `@pytest.mark.sqlite_only`.
"""

from __future__ import annotations

import pytest

ENGINES = ("sqlite", "postgres")


def parametrize_databases(metafunc: pytest.Metafunc) -> None:
    """Every test that uses `settings` runs once per engine (ids `[sqlite]`, `[postgres]`)."""
    if "settings" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("db_engine", ENGINES, indirect=True)
