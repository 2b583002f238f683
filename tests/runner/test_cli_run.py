"""`eclair run` and `eclair demo` as a user runs them: real subprocesses, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ECLAIR = [sys.executable, "-m", "eclair"]


def _env(tmp_path: Path) -> dict[str, str]:
    from eclair.config import load_settings

    env = dict(os.environ)
    env.update(
        ECLAIR_DATA_DIR=str(tmp_path / "data"),
        ECLAIR_TRACES_DIR=str(tmp_path / "traces"),
        ECLAIR_MODELS_DIR=str(load_settings().model_root),
    )
    return env


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "  ", "--url", "http://127.0.0.1:9/", "--no-tui"], "task description is empty"),
        (["run", "do it", "--url", "ftp://x/", "--no-tui"], "is not an http(s) or file URL"),
        (["run", "do it", "--url", "http://127.0.0.1:9/"], "Cannot reach http://127.0.0.1:9/"),
        (["run", "do it", "--url", "http://127.0.0.1:9/", "--agent", "nope", "--no-tui"], "unknown agent 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    proc = subprocess.run([*ECLAIR, *args], capture_output=True, text=True, env=_env(tmp_path), timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_eclair_demo_runs_a_smoke_workflow_and_prints_the_trace(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*ECLAIR, "demo", "--no-tui"], capture_output=True, text=True, env=_env(tmp_path), timeout=900
    )
    out = proc.stdout
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert out.startswith("task: ") and "step  0" in out, out
    checker = next(line for line in out.splitlines() if line.startswith("hidden checker:"))
    assert (proc.returncode == 0) == checker.startswith("hidden checker: PASS")
    trace = Path(next(line for line in out.splitlines() if line.startswith("trace: "))[7:])
    assert trace.is_dir() and (trace / "step-000.png").exists() and (trace / "trace.zip").exists()
