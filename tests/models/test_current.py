"""The current-model pointer: what a local run uses when no model is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eclair.config import Settings
from eclair.models import ModelError
from eclair.models.current import current_model, pointer_path, set_current_model


def _adapter(tmp_path: Path) -> Path:
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "embedded"}))
    return adapter


def test_default_is_embedded_then_the_promoted_adapter(settings: Settings, tmp_path: Path) -> None:
    assert current_model(settings) == "embedded"
    adapter = _adapter(tmp_path)
    assert set_current_model(settings, str(adapter), note="test") == str(adapter.resolve())
    assert current_model(settings) == str(adapter.resolve())
    assert set_current_model(settings, "embedded") == "embedded"
    assert current_model(settings) == "embedded"


def test_a_vanished_or_broken_pointer_falls_back_to_embedded(settings: Settings, tmp_path: Path) -> None:
    adapter = _adapter(tmp_path)
    set_current_model(settings, str(adapter))
    (adapter / "adapter_config.json").unlink()
    adapter.rmdir()
    assert current_model(settings) == "embedded"
    pointer_path(settings).write_text("{not json")
    assert current_model(settings) == "embedded"


def test_only_model_directories_can_be_made_current(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a model or adapter directory"):
        set_current_model(settings, str(tmp_path))


def test_models_use_and_list(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eclair.cli import app

    monkeypatch.setenv("ECLAIR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ECLAIR_MODELS_DIR", str(settings.model_root))
    adapter = _adapter(tmp_path)
    runner = CliRunner()
    used = runner.invoke(app, ["models", "use", str(adapter)])
    assert used.exit_code == 0 and str(adapter.resolve()) in used.output
    listed = runner.invoke(app, ["models", "list"])
    assert f"current   {adapter.resolve()}" in listed.output and "set by eclair models use" in listed.output
    env = dict(os.environ, ECLAIR_DATA_DIR=str(settings.data_dir), ECLAIR_MODELS_DIR=str(settings.model_root))
    bad = subprocess.run(
        [sys.executable, "-m", "eclair", "models", "use", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and len(bad.stderr.strip().splitlines()) == 1
