"""`eclair bench faults` end to end on two of its cases (the others share their machinery): a killed Chromium and a
model endpoint that stops answering. Each must lose no committed step, say why it stopped, and resume to the end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eclair.bench.faults import run_faults_bench


@pytest.mark.slow
def test_browser_crash_and_model_timeout_are_survived_and_resumed(tmp_path: Path) -> None:
    report = run_faults_bench(
        json_path=tmp_path / "faults.json", only=["browser-crash", "model-timeout"], work_root=tmp_path
    )
    rows = {r["fault"]: r for r in report["faults"]}
    assert report["lost"] == 0 and report["survived"] == report["total"] == 2, rows
    assert rows["browser-crash"]["status"] == "interrupted" and "browser" in rows["browser-crash"]["error"]
    assert rows["model-timeout"]["status"] == "interrupted" and "did not answer" in rows["model-timeout"]["error"]
    for row in rows.values():
        assert row["committed_at_fault"] == 2 and row["rows"] >= 2
        assert row["resume"]["ok"] and row["resume"]["kept_earlier"]
    assert json.loads((tmp_path / "faults.json").read_text())["total"] == 2
