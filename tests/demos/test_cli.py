"""`eclair serve-demos` serves the apps until stopped; `eclair bench demos` rejects unknown suites in one line."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx


def test_serve_demos_serves_until_stopped() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "eclair", "serve-demos", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("demo apps at http://127.0.0.1:"), first
        base_url = first.split(" at ", 1)[1].strip().rstrip("/")
        reply = httpx.get(f"{base_url}/clinic/login", timeout=10)
        assert reply.status_code == 200 and "Sign in to Clinic Intake" in reply.text
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0 and "stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()


def test_bench_demos_unknown_suite_is_one_line_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "eclair", "bench", "demos", "--suite", "payroll"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: no demo suite 'payroll'; choose one of: smoke, all, helpdesk, clinic, procurement"
    )
