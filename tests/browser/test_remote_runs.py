"""A demo workflow run end to end in a remote browser: a `playwright run-server` (ws_endpoint) and a Chromium started
with remote debugging (cdp_url). Real scoring agent on the embedded model, real demo app; the hidden checker judges.

procurement-approve-invoice at seed 0 is the cheapest smoke workflow (3 steps) and the scoring agent passes it every
time (greedy scoring); the rule critics stand in for the model judges to keep the test short.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from eclair.assemble import RunParts
from eclair.browser import BrowserNotFound, open_browser
from eclair.config import Settings, load_settings
from eclair.critics import default_panel
from eclair.demo_run import run_demo_workflow
from eclair.models.local import LocalBackend
from eclair.plugins import make_agent
from eclair.store import Store
from eclair.types import RunEvent
from tests.browser.remote import (
    CHROMIUM,
    free_port,
    start_debugging_chromium,
    start_run_server,
    stop_group,
    wait_for_port,
)

pytestmark = pytest.mark.slow
WORKFLOW = "procurement-approve-invoice"


@pytest.fixture(scope="module")
def backend() -> LocalBackend:
    """The embedded model, loaded once for both remote runs."""
    base = load_settings()
    return LocalBackend("embedded", device="cpu", settings=base.with_overrides(models_dir=base.model_root))


def _settings(tmp_path: Path, **remote: str) -> Settings:
    base = load_settings()
    return base.with_overrides(
        data_dir=tmp_path / "data", traces_dir=tmp_path / "traces", models_dir=base.model_root, db_url="", **remote
    )


def _run_demo(settings: Settings, backend: LocalBackend, on_step: Callable[[], None]) -> Any:
    parts = RunParts(
        store=Store(settings), agent=make_agent("scoring", backend), critics=default_panel(), backend=backend
    )

    def on_event(event: RunEvent) -> None:
        if event.kind == "step_finished":
            on_step()

    return run_demo_workflow(WORKFLOW, settings, seed=0, parts=parts, on_event=on_event)


def _assert_passed_with_a_full_trace(result: Any, steps_seen: list[Any]) -> None:
    assert result.success, result.reason
    assert steps_seen and all(steps_seen), steps_seen  # every finished step happened in the remote browser
    assert (result.trace_dir / "step-000.png").is_file() and (result.trace_dir / "trace.zip").is_file()


@pytest.fixture
def run_server() -> Iterator[tuple[str, int]]:
    """`playwright run-server` from the Python package's bundled driver; --unsafe lets the client's executablePath
    (Debian's Chromium: this machine has no Playwright browser build) reach the server's launch."""
    port = free_port()
    server = start_run_server(port)
    try:
        wait_for_port(port)
        yield f"ws://127.0.0.1:{port}/", server.pid
    finally:
        stop_group(server)


def test_demo_workflow_through_a_playwright_server(
    run_server: tuple[str, int], backend: LocalBackend, tmp_path: Path
) -> None:
    endpoint, server_pid = run_server
    settings = _settings(tmp_path, ws_endpoint=endpoint, browser_path=CHROMIUM)
    steps_seen: list[bool] = []

    def server_runs_chromium() -> None:
        children = psutil.Process(server_pid).children(recursive=True)
        steps_seen.append(any(child.name() == "chromium" for child in children))

    result = _run_demo(settings, backend, server_runs_chromium)
    _assert_passed_with_a_full_trace(result, steps_seen)


def test_a_server_without_a_browser_is_one_clear_error(tmp_path: Path) -> None:
    port = free_port()  # no --unsafe: the client's executablePath is dropped, and the server has no browser
    server = start_run_server(
        port, unsafe=False, env={"PATH": "/usr/bin:/bin", "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)}
    )
    try:
        wait_for_port(port)
        settings = Settings(ws_endpoint=f"ws://127.0.0.1:{port}/", browser_path=CHROMIUM)
        with pytest.raises(BrowserNotFound) as info, open_browser(settings):
            pass
        message = str(info.value)
        assert str(tmp_path) in message and "run-server --unsafe" in message and "\n" not in message
    finally:
        stop_group(server)


@pytest.fixture
def debugging_chromium(tmp_path: Path) -> Iterator[str]:
    """Debian's Chromium with the flags eclair launches it with, listening for CDP on a free port."""
    port = free_port()
    proc = start_debugging_chromium(port, tmp_path / "profile")
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_group(proc)


def test_demo_workflow_through_cdp(debugging_chromium: str, backend: LocalBackend, tmp_path: Path) -> None:
    settings = _settings(tmp_path, cdp_url=debugging_chromium)
    steps_seen: list[bool] = []

    def chromium_shows_the_demo_app() -> None:  # the page is one of the debugged browser's own targets
        with urllib.request.urlopen(f"{debugging_chromium}/json/list", timeout=10) as reply:
            targets = json.load(reply)
        steps_seen.append(any("/procurement/" in target.get("url", "") for target in targets))

    result = _run_demo(settings, backend, chromium_shows_the_demo_app)
    _assert_passed_with_a_full_trace(result, steps_seen)


def test_cli_flags_reach_the_browser(tmp_path: Path) -> None:
    env = {**os.environ, "ECLAIR_DATA_DIR": str(tmp_path / "data"), "ECLAIR_TRACES_DIR": str(tmp_path / "traces")}
    env["ECLAIR_MODELS_DIR"] = str(load_settings().model_root)
    url = (tmp_path / "start.html").as_uri()
    (tmp_path / "start.html").write_text("<button>Go</button>")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "eclair",
            "run",
            "Click Go",
            "--url",
            url,
            "--no-tui",
            "--ws-endpoint",
            "ws://127.0.0.1:1/",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: cannot connect to --ws-endpoint ws://127.0.0.1:1/"), done.stderr
    assert "Traceback" not in done.stderr
