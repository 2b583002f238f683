"""Shared fixtures. Room-specific fixtures live in tests/<room>/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eclair.config import Settings, load_settings


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A real PostgreSQL server for the session (eclair.store.pg_local); required in CI, skipped elsewhere if absent."""
    from eclair.store.pg_local import find_pg_bin, local_postgres

    if find_pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed in CI; scripts/setup.sh should have installed it")
        pytest.skip("PostgreSQL is not installed; run 'make setup' to install it")
    with local_postgres(fsync=False) as server:  # tests need correctness, not power-loss durability
        yield server


@pytest.fixture
def db_engine(request: pytest.FixtureRequest) -> str:
    """ "sqlite" unless a module parametrizes it (tests/databases.py)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def settings(tmp_path: Path, db_engine: str, request: pytest.FixtureRequest) -> Settings:
    """Settings with a throw-away database and traces dir; the prepared model dir stays shared.

    With `db_engine` "postgres" the database is a fresh, empty one on the session's PostgreSQL server."""
    base = load_settings()
    db_url = request.getfixturevalue("postgres_server").create_database() if db_engine == "postgres" else ""
    return base.with_overrides(
        data_dir=tmp_path / "data", traces_dir=tmp_path / "traces", models_dir=base.model_root, db_url=db_url
    )


# --- browser fixtures (browser room): a local fixture server and a real Chromium, reusable by every room ---


@pytest.fixture(scope="session")
def fixtures_url() -> Iterator[str]:
    """Base URL of a local HTTP server serving tests/fixtures/html (e.g. f"{fixtures_url}/form.html")."""
    from tests.fixtures.server import serve_fixtures

    with serve_fixtures() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (eclair.browser.open_browser)."""
    from eclair.browser import open_browser

    with open_browser(load_settings()) as launched:
        yield launched


@pytest.fixture
def browser_context(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A fresh context per test; downloads go to tmp_path/'downloads'."""
    from eclair.browser import new_context

    context = new_context(browser, downloads_dir=tmp_path / "downloads")
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any) -> Any:
    """The agent's current tab in a fresh context."""
    from eclair.browser import current_page

    return current_page(browser_context)
