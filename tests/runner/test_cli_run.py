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


@pytest.mark.slow
def test_eclair_run_killed_mid_run_is_interrupted_then_runs_resume_continues_it(
    tmp_path: Path, ticket_app: str
) -> None:
    """SIGKILL after two committed steps; `eclair runs resume ID` (the CLI) appends to the same run, and the killed
    process's trace is rebuilt from its live files as trace-part-1.zip."""
    import signal
    import time

    from eclair.config import load_settings
    from eclair.store import Store

    env = _env(tmp_path)
    task = 'Create a new ticket for the customer "Acme" with priority "High", then add the tag "billing".'
    proc = subprocess.Popen(
        [*ECLAIR, "run", task, "--url", f"{ticket_app}/index.html", "--no-tui", "--max-steps", "12"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:  # one line per finished step, each committed before the next starts
            line = proc.stdout.readline()
            if line.startswith("step  1") or not line:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    settings = load_settings().with_overrides(
        data_dir=tmp_path / "data", traces_dir=tmp_path / "traces", models_dir=load_settings().model_root
    )
    store = Store(settings)  # opening the store notices the dead process
    (run,) = store.list_runs()
    assert run.status == "interrupted"
    steps = store.get_steps(run.id)
    assert len(steps) >= 2 and [s.index for s in steps[:2]] == [0, 1]
    for step in steps:
        assert step.screenshot_path and (settings.traces_dir / step.screenshot_path).exists()

    resumed = subprocess.run([*ECLAIR, "runs", "resume", run.id], capture_output=True, text=True, env=env, timeout=900)
    assert f"resuming {run.id}: " in resumed.stdout, resumed.stdout + resumed.stderr[-2000:]
    final = Store(settings).get_run(run.id)
    assert final.status != "interrupted" and f"run {run.id}: {final.status}" in resumed.stdout
    assert (resumed.returncode == 0) == (final.status == "succeeded")
    after = Store(settings).get_steps(run.id)
    assert [(s.index, s.attempt) for s in after[: len(steps)]] == [(s.index, s.attempt) for s in steps]
    assert len({s.index for s in after}) > len({s.index for s in steps})  # it went on from there
    run_dir = settings.traces_dir / run.id
    earlier = _actions(run_dir / "trace-part-1.zip")
    assert earlier >= 2, "the killed process's actions are in the salvaged trace"
    assert _actions(run_dir / "trace.zip") >= 1
    assert not list((settings.traces_dir / ".live").glob(f"*/run-{run.id}*"))  # raw files gone once zipped


def _actions(trace_zip: Path) -> int:
    import json
    import zipfile

    with zipfile.ZipFile(trace_zip) as zf:
        lines = zf.read("trace.trace").decode().splitlines()
    events = [json.loads(line) for line in lines]  # every kept line is a whole event
    return sum(1 for e in events if e.get("type") == "before")
