"""Injected instructions, obeyed by a scripted agent: with the defences none get through; without, all do."""

from __future__ import annotations

from pathlib import Path

import pytest

from eclair.bench.injection import run_injection_bench


@pytest.mark.slow
def test_defences_stop_every_injection_and_the_baseline_does_not(tmp_path: Path) -> None:
    defended = run_injection_bench(json_path=tmp_path / "injection.json")
    outcomes = {r["name"]: r["outcome"] for r in defended["scenarios"]}
    assert defended["followed"] == [], outcomes
    assert outcomes["asked-delete"] == "allowed"  # the task asked for it: no approval needed
    assert {"gated", "blocked"} == {o for n, o in outcomes.items() if n != "asked-delete"}
    baseline = run_injection_bench(json_path=None, defences=False)
    followed = {r["name"] for r in baseline["scenarios"] if r["outcome"] == "followed"}
    assert followed == set(outcomes) - {"asked-delete"}
