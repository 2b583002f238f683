"""Shared fixtures. Room-specific fixtures live in tests/<room>/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from eclair.config import Settings, load_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a throw-away database and traces dir; the prepared model dir stays shared."""
    base = load_settings()
    return base.with_overrides(data_dir=tmp_path / "data", traces_dir=tmp_path / "traces", models_dir=base.model_root)
