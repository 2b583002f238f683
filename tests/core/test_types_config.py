from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from eclair.config import ConfigError, load_settings
from eclair.types import ACTION_SPECS, Action, action_space_prompt


def test_action_requires_fields_per_kind() -> None:
    with pytest.raises(ValidationError, match="needs element, text"):
        Action(kind="type")
    assert Action(kind="type", element="3", text="Acme", enter=True).describe() == "type [3] 'Acme' +Enter"


def test_action_space_prompt_lists_every_kind() -> None:
    text = action_space_prompt()
    for kind in ACTION_SPECS:
        assert f"- {kind}:" in text


def test_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "eclair.toml"
    cfg.write_text('[eclair]\nmax_steps = 7\nagent = "eclair"\n')
    monkeypatch.setenv("ECLAIR_MAX_STEPS", "9")
    s = load_settings(cfg, agent=None, headless=False)
    assert (s.max_steps, s.agent, s.headless) == (9, "eclair", False)
    assert s.database_url.endswith("eclair.db")


def test_settings_bad_value_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECLAIR_HEADLESS", "perhaps")
    with pytest.raises(ConfigError, match="ECLAIR_HEADLESS='perhaps' is not a boolean"):
        load_settings()
