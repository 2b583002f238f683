"""llama.cpp's OpenAI-compatible server (llama-cpp-python) on the embedded GGUF, started for real, as the README says.

`eclair chat` answers through it, and `eclair run --agent eclair` takes steps on a demo app: the server refuses
`json_schema` (HTTP 500), so the backend steps down to a grammar-enforced json_object, and the prompt is fitted to
the server's 2,048-token default context.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from eclair.cli import app
from eclair.config import Settings
from eclair.models.prepare import find_embedded_gguf
from eclair.store import Store
from eclair.store.pg_local import free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if importlib.util.find_spec("llama_cpp") is None:
        if os.environ.get("CI"):
            pytest.fail("llama-cpp-python is not installed in CI; scripts/setup.sh should have built it")
        pytest.skip("llama-cpp-python[server] is not installed; run 'make setup'")
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(find_embedded_gguf()), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"llama.cpp server exited: {log.read_text()[-500:]}"
            try:
                if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "llama.cpp server did not start in 120 s"
            time.sleep(0.5)
        yield base_url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _env(settings: Settings, base_url: str) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": "sk-local",
        "ECLAIR_DATA_DIR": str(settings.data_dir),
        "ECLAIR_TRACES_DIR": str(settings.traces_dir),
        "ECLAIR_DB_URL": settings.database_url,
    }


def test_readme_gguf_path_is_where_the_wheel_puts_it() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    line = next(x for x in readme.splitlines() if x.startswith("python -m llama_cpp.server --model "))
    relative = Path(line.split("--model ", 1)[1].split()[0])
    assert (Path(__file__).parents[2] / relative).resolve() == find_embedded_gguf().resolve()


def test_eclair_chat_answers_through_llama_cpp(llama_server: str, settings: Settings) -> None:
    result = CliRunner().invoke(
        app, ["chat", "Say hello", "--backend", "openai", "--model", "my-model"], env=_env(settings, llama_server)
    )
    assert result.exit_code == 0, result.output
    assert "[openai:my-model]" in result.output and "tokens in" in result.output


def test_eclair_agent_takes_steps_on_a_demo_app_through_llama_cpp(llama_server: str, settings: Settings) -> None:
    from demos.server import DemoServer

    with DemoServer() as demos:
        args = ["run", "Open the ticket list", "--url", f"{demos.base_url}/helpdesk/", "--backend", "openai"]
        args += ["--model", "my-model", "--agent", "eclair", "--max-steps", "2", "--no-tui"]
        result = CliRunner().invoke(app, args, env=_env(settings, llama_server))
    assert "could not decide" not in result.output and "rejected" not in result.output, result.output
    store = Store(settings)
    runs = store.list_runs()
    assert len(runs) == 1
    steps = store.get_steps(runs[0].id)
    assert steps, result.output
    for step in steps:  # every decision is the server's own JSON, enforced by its grammar
        reply = json.loads(step.decision.completion)
        assert reply["action"]["kind"] == step.decision.action.kind
    acted = [s for s in steps if s.result is not None]  # the loop guard stops a repeat before acting
    assert acted and all(s.result.located_by in ("id", "role", "bbox", "page") for s in acted)  # type: ignore[union-attr]
