"""An exported workflow runs as a plain pytest-playwright script, with eclair not importable, on new values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from demos.server import DemoServer
from demos.suite import make_env
from eclair.browser import new_context, resolve_browser_path
from eclair.config import Settings
from eclair.replay import compile_demonstration
from eclair.replay.export import export_playwright
from eclair.store import Store
from tests.replay.conftest import record_oracle

pytestmark = pytest.mark.slow
NO_ECLAIR = "import sys; sys.modules['eclair'] = None; "  # any `import eclair` in the script now fails


def test_exported_script_runs_without_eclair(
    demo_server: DemoServer, settings: Settings, store: Store, browser: Any, tmp_path: Path
) -> None:
    workflow = "helpdesk-create-ticket"
    record_oracle(workflow, demo_server.base_url, 0, settings=settings, store=store, browser=browser)
    program = compile_demonstration(store, workflow)
    script = tmp_path / "create_ticket.py"
    script.write_text(export_playwright(program, file_name=script.name))
    source = script.read_text()
    assert "eclair" not in source.replace("eclair workflows export", "")  # readable, standalone
    assert "def run_workflow(page: Page, start_url: str, *, customer: str, priority: str, subject: str)" in source
    compile(source, str(script), "exec")

    env = make_env(workflow, demo_server.base_url)
    context = new_context(browser)  # a seeded, signed-in episode; the script's browser gets its session
    state = tmp_path / "state.json"
    try:
        page = context.new_page()
        task = env.setup(page, 5)
        context.storage_state(path=str(state))
    finally:
        context.close()
    assert task.params != program.params
    runner = (
        NO_ECLAIR
        + "import pytest; sys.exit(pytest.main(['-q', '-p', 'playwright', '--browser', 'chromium', sys.argv[1]]))"
    )
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "CHROMIUM": resolve_browser_path(settings, None) or "",
        "START_URL": task.start_url or "",
        "STORAGE_STATE": str(state),
        **{f"PARAM_{k.upper()}": v for k, v in task.params.items()},
    }
    done = subprocess.run(
        [sys.executable, "-c", runner, str(script)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    ok, reason = env.check(None)
    assert ok, reason
