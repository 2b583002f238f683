"""The OpenAI-compatible backend against a real HTTP server speaking chat-completions."""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from eclair.config import Settings
from eclair.models import Completion, ModelError, OpenAICompatBackend, ScoringUnsupported, generate_json, load_backend
from eclair.models.base import Backend, require_scorer, scorer_of
from tests.models.chat_server import ChatServer, Reply, completion_body, error_body

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
FAST_RETRY = {"retry-after-ms": "10"}  # keeps the client's backoff short in tests


class ClickAction(BaseModel):
    kind: str
    element: str


@pytest.fixture
def server() -> Iterator[ChatServer]:
    with ChatServer() as chat_server:
        yield chat_server


def make_backend(server: ChatServer, **kwargs: object) -> OpenAICompatBackend:
    options: dict = {"vision": False, "json_schema": True, "timeout": 5, "max_retries": 2} | kwargs
    return OpenAICompatBackend(server.base_url, "sk-test-secret", "test-model", **options)


def test_request_shape_and_usage(server: ChatServer) -> None:
    server.script(Reply(body=completion_body("Paris", prompt_tokens=21, completion_tokens=3)))
    backend = make_backend(server)
    messages = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "capital of France?"}]
    replies = backend.chat(messages, temperature=0.3, max_tokens=17, stop=["\n"], seed=7)
    assert [r.text for r in replies] == ["Paris"]
    sent = server.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.headers["authorization"] == "Bearer sk-test-secret"
    assert sent.json["model"] == "test-model"
    assert sent.json["messages"] == messages
    assert (sent.json["temperature"], sent.json["max_tokens"], sent.json["stop"], sent.json["seed"]) == (
        0.3,
        17,
        ["\n"],
        7,
    )
    assert "response_format" not in sent.json
    assert (backend.last_usage.tokens_in, backend.last_usage.tokens_out) == (21, 3)
    assert backend.last_usage.model_ms > 0
    assert replies[0].usage.tokens_out == 3


def test_images_sent_as_data_urls_only_for_vision_models(server: ChatServer) -> None:
    messages = [{"role": "user", "content": "what is on screen?"}]
    make_backend(server, vision=True).chat(messages, images=[PNG])
    make_backend(server, vision=False).chat(messages, images=[PNG])
    with_vision, without = server.requests[0].json["messages"], server.requests[1].json["messages"]
    parts = with_vision[-1]["content"]
    assert parts[0] == {"type": "text", "text": "what is on screen?"}
    assert parts[1]["type"] == "image_url"
    url = parts[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == PNG
    assert without == messages


def test_schema_uses_response_format_and_parses(server: ChatServer) -> None:
    server.script(Reply(body=completion_body('{"kind": "click", "element": "e7"}')))
    action, completions = generate_json(make_backend(server), [{"role": "user", "content": "act"}], ClickAction)
    assert action == ClickAction(kind="click", element="e7")
    assert len(completions) == 1
    response_format = server.requests[0].json["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "ClickAction"
    assert response_format["json_schema"]["schema"]["properties"].keys() == {"kind", "element"}


def test_server_without_json_schema_falls_back_to_json_object(server: ChatServer) -> None:
    server.script(
        Reply(status=400, body=error_body("response_format json_schema is not supported")),
        Reply(body=completion_body('Sure! ```json\n{"kind": "click", "element": "e2"}\n```')),
    )
    backend = make_backend(server)
    action, _ = generate_json(backend, [{"role": "user", "content": "act"}], ClickAction)
    assert action.element == "e2"
    assert backend.json_schema is False and backend.structured_mode == "json_object+schema"
    retry = server.requests[1].json
    assert retry["response_format"] == {"type": "json_object", "schema": ClickAction.model_json_schema()}
    assert "JSON object" in retry["messages"][-1]["content"]  # the server enforces the schema: not spelled out


def test_parse_error_is_shown_to_the_model_then_retried(server: ChatServer) -> None:
    server.script(
        Reply(body=completion_body("I would click the button.")),
        Reply(body=completion_body('{"kind": "click"}')),
        Reply(body=completion_body('{"kind": "click", "element": "e9"}')),
    )
    action, completions = generate_json(make_backend(server), [{"role": "user", "content": "act"}], ClickAction)
    assert action.element == "e9"
    assert len(completions) == 3
    second, third = server.requests[1].json["messages"], server.requests[2].json["messages"]
    assert second[-2] == {"role": "assistant", "content": "I would click the button."}
    assert "no JSON object found" in second[-1]["content"]
    assert "element" in third[-1]["content"] and "Field required" in third[-1]["content"]


def test_never_parsing_raises_model_error_not_an_action(server: ChatServer) -> None:
    server.script(*[Reply(body=completion_body("1. 1. 2. 2.")) for _ in range(3)])
    with pytest.raises(ModelError, match="no valid ClickAction JSON after 3 attempts") as info:
        generate_json(make_backend(server), [{"role": "user", "content": "act"}], ClickAction, retries=2)
    assert "\n" not in str(info.value)
    assert len(server.requests) == 3


def test_rate_limit_is_retried_with_backoff(server: ChatServer) -> None:
    limited = Reply(status=429, body=error_body("slow down", "rate_limit_exceeded"), headers=FAST_RETRY)
    server.script(limited, limited, Reply(body=completion_body("done")))
    assert make_backend(server).chat([{"role": "user", "content": "hi"}])[0].text == "done"
    assert len(server.requests) == 3


def test_server_errors_retry_then_fail_with_one_line(server: ChatServer) -> None:
    broken = Reply(status=500, body=error_body("boom", kind="server_error"), headers=FAST_RETRY)
    server.script(broken, broken, broken)
    with pytest.raises(ModelError, match="HTTP 500") as info:
        make_backend(server, max_retries=2).chat([{"role": "user", "content": "hi"}])
    assert len(server.requests) == 3
    assert "\n" not in str(info.value)


def test_timeout_is_a_clear_error(server: ChatServer) -> None:
    server.script(Reply(body=completion_body("late"), delay_s=2.0))
    started = time.perf_counter()
    with pytest.raises(ModelError, match=r"did not answer within 0\.3s"):
        make_backend(server, timeout=0.3, max_retries=0).chat([{"role": "user", "content": "hi"}])
    assert time.perf_counter() - started < 1.9


def test_malformed_json_body_is_a_clear_error(server: ChatServer) -> None:
    server.script(Reply(body="{this is not json"))
    with pytest.raises(ModelError, match="malformed response"):
        make_backend(server, max_retries=0).chat([{"role": "user", "content": "hi"}])


def test_response_without_choices_is_a_clear_error(server: ChatServer) -> None:
    server.script(Reply(body={"id": "x", "object": "chat.completion", "choices": []}))
    with pytest.raises(ModelError, match="no choices"):
        make_backend(server).chat([{"role": "user", "content": "hi"}])


def test_auth_failure_and_unknown_model(server: ChatServer) -> None:
    server.script(
        Reply(status=401, body=error_body("Incorrect API key provided", "invalid_api_key")),
        Reply(status=404, body=error_body("The model `nope` does not exist", "model_not_found")),
    )
    with pytest.raises(ModelError, match="refused the API key") as info:
        make_backend(server).chat([{"role": "user", "content": "hi"}])
    assert "sk-test-secret" not in str(info.value)
    with pytest.raises(ModelError, match="unknown model"):
        make_backend(server).chat([{"role": "user", "content": "hi"}])


def test_refused_endpoint() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = OpenAICompatBackend(f"http://127.0.0.1:{port}/v1", "k", "m", max_retries=0, timeout=2)
    with pytest.raises(ModelError, match="cannot reach"):
        backend.chat([{"role": "user", "content": "hi"}])


def test_n_completions_even_when_server_returns_one(server: ChatServer) -> None:
    server.script(Reply(body=completion_body("a")), Reply(body=completion_body("b")))
    replies = make_backend(server).chat([{"role": "user", "content": "hi"}], n=2, temperature=0.7)
    assert [r.text for r in replies] == ["a", "b"]
    assert server.requests[0].json["n"] == 2
    assert "n" not in server.requests[1].json  # only the one still missing


def test_a_chat_api_is_no_scorer(server: ChatServer) -> None:
    backend = make_backend(server)
    assert isinstance(backend, Backend) and scorer_of(backend) is None
    with pytest.raises(ScoringUnsupported, match="use --backend local"):
        require_scorer(backend)


def test_load_backend_reads_settings(server: ChatServer, settings: Settings) -> None:
    configured = settings.with_overrides(
        backend="openai", model="served-model", openai_base_url=server.base_url, openai_api_key="sk-x"
    )
    backend = load_backend(configured)
    assert isinstance(backend, OpenAICompatBackend)
    assert isinstance(backend.chat([{"role": "user", "content": "hi"}])[0], Completion)
    assert server.requests[0].json["model"] == "served-model"
    with pytest.raises(ModelError, match="needs a model name"):
        load_backend(configured, model="")
    with pytest.raises(ModelError, match="unknown backend"):
        load_backend(configured, backend="nonsense")


def test_secret_key_not_in_request_body(server: ChatServer) -> None:
    make_backend(server).chat([{"role": "user", "content": "hi"}])
    assert "sk-test-secret" not in json.dumps(server.requests[0].json)
