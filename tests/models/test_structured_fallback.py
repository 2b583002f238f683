"""Structured output steps down json_schema → json_object → prompt by what a server accepts, and prompts are fitted
to the context window the server reports; against a real HTTP server speaking chat-completions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from eclair.models import OpenAICompatBackend, generate_json
from eclair.models.context_fit import TRIM_MARK, parse_overflow, trim_messages
from tests.models.chat_server import ChatServer, Reply, completion_body, error_body


class Pick(BaseModel):
    element: str


def _refusing(accepted: set[str]) -> Any:
    """A server that answers 500 (as llama-cpp-python does for json_schema) to formats it cannot do."""

    def reply(request: dict[str, Any]) -> Reply:
        fmt = request.get("response_format")
        kind = "prompt" if fmt is None else fmt["type"] + ("+schema" if "schema" in fmt else "")
        if kind not in accepted:
            return Reply(status=500, body=error_body(f"cannot do {kind}", kind="server_error"))
        return Reply(body=completion_body('{"element": "e4"}'))

    return reply


@pytest.fixture
def ladder_server() -> Iterator[ChatServer]:
    with ChatServer(default=_refusing({"json_object", "prompt"})) as server:
        yield server


def _backend(server: ChatServer) -> OpenAICompatBackend:
    return OpenAICompatBackend(server.base_url, None, "m", timeout=5, max_retries=2)


def test_each_refused_format_steps_down_once_and_is_remembered_per_server(ladder_server: ChatServer) -> None:
    backend = _backend(ladder_server)
    pick, _ = generate_json(backend, [{"role": "user", "content": "pick"}], Pick)
    assert pick.element == "e4" and backend.structured_mode == "json_object"
    sent = [r.json.get("response_format") for r in ladder_server.requests]
    assert [f["type"] if f else None for f in sent] == ["json_schema", "json_object", "json_object"]
    assert "schema" in sent[1] and "schema" not in sent[2]  # json_object with a grammar schema, then without
    assert len(ladder_server.requests) == 3  # a 500 for a probed format is not retried
    # A second backend for the same server and model starts at the accepted mode: no refused request again.
    again = _backend(ladder_server)
    generate_json(again, [{"role": "user", "content": "pick"}], Pick)
    assert again.structured_mode == "json_object" and len(ladder_server.requests) == 4


def test_a_server_that_only_reads_prompts_gets_the_schema_in_the_prompt() -> None:
    with ChatServer(default=_refusing({"prompt"})) as server:
        backend = _backend(server)
        assert generate_json(backend, [{"role": "user", "content": "pick"}], Pick)[0].element == "e4"
        last = server.requests[-1].json
        assert backend.structured_mode == "prompt" and "response_format" not in last
        assert '"element"' in last["messages"][-1]["content"]


def test_other_bad_requests_are_not_mistaken_for_a_refused_format() -> None:
    with ChatServer() as server:
        server.script(Reply(status=400, body=error_body("temperature must be at most 2")))
        backend = _backend(server)
        with pytest.raises(Exception, match="temperature must be at most 2"):
            generate_json(backend, [{"role": "user", "content": "pick"}], Pick)
        assert backend.structured_mode == "json_schema"


def _small_context(window: int) -> Any:
    """A server with a `window`-token context counting 1 token per 4 characters, as llama-cpp-python words it."""

    def reply(request: dict[str, Any]) -> Reply:
        chars = sum(len(m["content"]) for m in request["messages"])
        tokens = chars // 4
        if tokens + request["max_tokens"] > window:
            message = (
                f"This model's maximum context length is {window} tokens. However, you requested "
                f"{tokens + request['max_tokens']} tokens ({tokens} in the messages, {request['max_tokens']} in "
                "the completion). Please reduce the length of the messages or completion."
            )
            return Reply(status=400, body=error_body(message, "context_length_exceeded"))
        return Reply(body=completion_body('{"element": "e1"}', prompt_tokens=tokens))

    return reply


def test_an_overflowing_prompt_is_trimmed_to_the_reported_window_and_later_ones_fit_first_time() -> None:
    with ChatServer(default=_small_context(1000)) as server:
        backend = _backend(server)
        page = "HEAD " + "row of the page\n" * 600 + " TAIL"  # ~9,600 chars = 2,400 tokens
        pick, _ = generate_json(backend, [{"role": "user", "content": page}], Pick, max_tokens=100)
        assert pick.element == "e1" and backend.window.tokens == 1000
        fitted = server.requests[-1].json["messages"][0]["content"]
        assert fitted.startswith("HEAD") and fitted.endswith("TAIL") and TRIM_MARK in fitted
        count = len(server.requests)
        generate_json(backend, [{"role": "user", "content": page}], Pick, max_tokens=100)
        assert len(server.requests) == count + 1  # the window is known: trimmed before sending
        budget = backend.prompt_budget_chars(100)
        assert budget is not None and 2000 < budget < 4000


def test_overflow_messages_of_common_servers_are_understood() -> None:
    vllm = "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4800 in the "
    assert parse_overflow(vllm + "messages, 200 in the completion).").context_tokens == 4096  # type: ignore[union-attr]
    cpp = parse_overflow("the request (3000 tokens) exceeds the available context size (2048 tokens), try increasing")
    assert cpp is not None and (cpp.context_tokens, cpp.prompt_tokens) == (2048, 3000)
    assert parse_overflow("temperature must be at most 2") is None


def test_trim_keeps_short_messages_and_both_ends_of_the_long_one() -> None:
    messages = [{"role": "system", "content": "rules"}, {"role": "user", "content": "A" * 500 + "B" * 500}]
    out = trim_messages(messages, 400)
    assert out[0] == messages[0] and sum(len(m["content"]) for m in out) <= 400
    assert out[1]["content"].startswith("A") and out[1]["content"].endswith("B")
