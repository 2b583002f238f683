"""The leak bench, for real: masked runs leave no secret anywhere; the same runs unmasked are caught."""

from __future__ import annotations

from pathlib import Path

import pytest

import eclair.security.guard as guard_module
from eclair.bench.security import run_security_bench
from eclair.bench.security_control import masking_switched_off

SCENARIOS = ["echo-next-page", "eclair-error-message", "totp-code"]


@pytest.mark.slow
def test_masked_runs_leak_nothing_anywhere(tmp_path: Path) -> None:
    report = run_security_bench(json_path=tmp_path / "security.json", only=SCENARIOS)
    assert sorted(s["name"] for s in report["scenarios"]) == sorted(SCENARIOS)
    assert report["leaks"] == 0, report["scenarios"]
    assert report["detector_blind"] == []
    assert (tmp_path / "security.json").exists()


@pytest.mark.slow
def test_the_scanners_catch_an_unmasked_run(tmp_path: Path) -> None:
    real_for_task = guard_module.RunGuard.__dict__["for_task"]
    with masking_switched_off():
        report = run_security_bench(json_path=None, only=["echo-next-page"])
    assert guard_module.RunGuard.__dict__["for_task"] is real_for_task  # the real guard is back after the block
    leaks = report["scenarios"][0]["leaks"]
    assert {"prompts", "db", "step_json", "screenshots", "trace", "export", "events"} <= set(leaks), leaks
