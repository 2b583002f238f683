"""`eclair bench faults` end to end on three of its cases (the others share their machinery): a killed Chromium,
eclair itself SIGKILLed, and a model endpoint that stops answering. Each must lose no committed step, say why it
stopped, and resume to the end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eclair.bench.faults import run_faults_bench


@pytest.mark.slow
def test_browser_crash_sigkill_and_model_timeout_are_survived_and_resumed(tmp_path: Path) -> None:
    report = run_faults_bench(
        json_path=tmp_path / "faults.json",
        only=["browser-crash", "sigkill-eclair", "model-timeout"],
        work_root=tmp_path,
    )
    rows = {r["fault"]: r for r in report["faults"]}
    assert report["lost"] == 0 and report["survived"] == report["total"] == 3, rows
    assert rows["browser-crash"]["status"] == "interrupted" and "browser" in rows["browser-crash"]["error"]
    assert rows["model-timeout"]["status"] == "interrupted" and "did not answer" in rows["model-timeout"]["error"]
    for row in rows.values():
        assert row["committed_at_fault"] == 2 and row["rows"] >= 2
        assert row["resume"]["ok"] and row["resume"]["kept_earlier"]
    # the trace of the steps before the fault survives the browser's death and eclair's own
    assert rows["browser-crash"]["trace"].startswith("intact")
    for fault in ("browser-crash", "sigkill-eclair"):
        earlier = rows[fault]["resume"]["traces_after"]
        assert isinstance(earlier.get("trace-part-1.zip"), int) and earlier["trace-part-1.zip"] >= 2, rows[fault]
    assert json.loads((tmp_path / "faults.json").read_text())["total"] == 3
