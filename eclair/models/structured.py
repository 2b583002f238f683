"""Structured output: generate, parse JSON against a pydantic model, retry with the parse error, or fail clearly."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from eclair.models.base import Backend, Completion, Message, ModelError
from eclair.prompting import render_prompt

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


# How a server is asked for JSON, strongest first. A server that refuses one is asked the next way; every reply is
# validated against the pydantic model here all the same. "json_object+schema" is json_object with a `schema`
# key, which llama-cpp-python turns into a grammar (so even a small model writes valid JSON); "prompt" only asks.
STRUCTURED_MODES = ("json_schema", "json_object+schema", "json_object", "prompt")


def response_format(mode: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """The `response_format` request field for `mode` (None: ask in the prompt only)."""
    if mode == "json_schema":
        # OpenAI accepts names of [A-Za-z0-9_-], at most 64 characters.
        name = re.sub(r"[^A-Za-z0-9_-]", "_", str(schema.get("title") or "response"))[:64]
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
    if mode == "json_object+schema":
        return {"type": "json_object", "schema": schema}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def weaker_mode(mode: str) -> str | None:
    """The next way to ask for JSON after `mode` was refused; None after "prompt"."""
    index = STRUCTURED_MODES.index(mode)
    return STRUCTURED_MODES[index + 1] if index + 1 < len(STRUCTURED_MODES) else None


class JSONParseError(ValueError):
    """The text holds no JSON value, or one that does not match the expected model."""


def extract_json(text: str) -> Any:
    """The first JSON object (or array) in `text`, tolerating code fences and leading or trailing prose."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    last_error = "no JSON object found"
    for candidate in candidates:
        for index, char in enumerate(candidate):
            if char not in "{[":
                continue
            try:
                value, _ = decoder.raw_decode(candidate, index)
            except json.JSONDecodeError as exc:
                last_error = f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                continue
            return value
    raise JSONParseError(last_error)


def parse_as(text: str, model_cls: type[T]) -> T:
    """Parse `text` into `model_cls`; JSONParseError with a one-line reason when it does not fit."""
    value = extract_json(text)
    try:
        return model_cls.model_validate(value)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise JSONParseError(f"does not match {model_cls.__name__}: {problems}") from None


def generate_json(
    backend: Backend,
    messages: Sequence[Message],
    model_cls: type[T],
    *,
    retries: int = 2,
    schema: dict[str, Any] | None = None,
    **chat_kwargs: Any,
) -> tuple[T, list[Completion]]:
    """Ask for JSON matching `model_cls`; on a bad reply, show the model its error and ask again (bounded).

    Returns the parsed object and every completion made (for token accounting). Raises ModelError when no attempt
    parses: the caller fails the step; nothing here ever invents an action. `schema` may narrow the model's own
    schema (e.g. to the fields each action kind needs) for servers that enforce it; replies are validated by
    `model_cls` all the same.
    """
    schema = schema or model_cls.model_json_schema()
    conversation = list(messages)
    completions: list[Completion] = []
    error = ""
    for attempt in range(retries + 1):
        reply = backend.chat(conversation, schema=schema, **chat_kwargs)[0]
        completions.append(reply)
        try:
            return parse_as(reply.text, model_cls), completions
        except JSONParseError as exc:
            error = str(exc)
            log.info("attempt %d: model reply did not parse: %s", attempt + 1, error)
        # A server that enforces the schema needs only the problem; others see the schema again.
        spelled = None if backend.enforces_schema else json.dumps(schema)
        again = render_prompt(__file__, "json_retry.j2", error=error, schema_json=spelled)
        conversation = [*conversation, {"role": "assistant", "content": reply.text}, {"role": "user", "content": again}]
    raise ModelError(
        f"model {backend.model_id} gave no valid {model_cls.__name__} JSON after "
        f"{retries + 1} attempts (last problem: {error[:200]})"
    )
