"""The leak bench, for real: masked runs leave no secret anywhere; the same runs unmasked are caught."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

import eclair.security.guard as guard_module
from eclair.bench.security import run_security_bench

SCENARIOS = ["echo-next-page", "eclair-error-message", "totp-code"]


@pytest.mark.slow
def test_masked_runs_leak_nothing_anywhere(tmp_path: Path) -> None:
    report = run_security_bench(json_path=tmp_path / "security.json", only=SCENARIOS)
    assert sorted(s["name"] for s in report["scenarios"]) == sorted(SCENARIOS)
    assert report["leaks"] == 0, report["scenarios"]
    assert report["detector_blind"] == []
    assert (tmp_path / "security.json").exists()


class _Unmasked(guard_module.RunGuard):
    """Types secrets like the real guard but masks nothing: the scanners must find the value everywhere."""

    trace_screenshots = True  # type: ignore[assignment]

    def attach(self, context: Any, *, allowed_domains: tuple[str, ...] = ()) -> None:
        pass

    def store(self, store: Any) -> Any:
        return store

    def sink(self, sink: Any) -> Any:
        return sink

    def logs(self) -> Any:
        return contextlib.nullcontext()

    def after_act(self, result: Any, run_dir: Path) -> Any:
        return result

    def finish(self, run_dir: Path) -> None:
        pass


@pytest.mark.slow
def test_the_scanners_catch_an_unmasked_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = guard_module.RunGuard.for_task.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        guard_module.RunGuard,
        "for_task",
        classmethod(lambda cls, task, settings=None: _Unmasked(real(guard_module.RunGuard, task, settings).masker)),
    )
    report = run_security_bench(json_path=None, only=["echo-next-page"])
    leaks = report["scenarios"][0]["leaks"]
    assert {"prompts", "db", "step_json", "screenshots", "trace", "export", "events"} <= set(leaks), leaks
