"""Real-app fixtures: the template DBs are built once per test session (or reused from $REALAPPS_CACHE)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def realapps_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the template DBs live: $REALAPPS_CACHE when set (a developer's warm cache), else a session tmp dir."""
    preset = os.environ.get("REALAPPS_CACHE")
    folder = Path(preset) if preset else tmp_path_factory.mktemp("realapps-cache")
    os.environ["REALAPPS_CACHE"] = str(folder)
    yield folder
    from realapps.server import POOL

    POOL.close()
    if not preset:
        os.environ.pop("REALAPPS_CACHE", None)
