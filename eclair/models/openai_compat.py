"""Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server) via the `openai` client."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from eclair.models.base import Completion, Message, ModelError, ModelUnavailable
from eclair.models.context_fit import ContextWindow, content_chars, context_from_models, parse_overflow, trim_messages
from eclair.models.structured import response_format, weaker_mode
from eclair.prompting import render_prompt
from eclair.types import Usage

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Local servers (vLLM, llama.cpp, Ollama) accept any key; the client still insists on one.
PLACEHOLDER_KEY = "no-key-needed"
# What each server (base URL, model) accepted, so a refusal costs one request per process, not one per step.
_SERVER_MODES: dict[tuple[str, str], str] = {}
_SERVER_WINDOWS: dict[tuple[str, str], ContextWindow] = {}


class _FormatRefused(Exception):
    """The server refused the request's response_format."""


class _ContextOverflow(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.overflow = parse_overflow(message)


def schema_instruction(schema: dict[str, Any]) -> str:
    """The prompt text that asks for JSON when the endpoint cannot enforce a schema itself."""
    return render_prompt(__file__, "json_schema_instruction.j2", schema_json=json.dumps(schema))


def image_data_url(image: bytes) -> str:
    """A data URL for PNG/JPEG/WebP/GIF bytes (the type sniffed from the magic number)."""
    if image.startswith(b"\xff\xd8"):
        mime = "image/jpeg"
    elif image[:4] == b"RIFF" and image[8:12] == b"WEBP":
        mime = "image/webp"
    elif image[:4] == b"GIF8":
        mime = "image/gif"
    else:
        mime = "image/png"
    return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"


class OpenAICompatBackend:
    """A remote chat model; not a `Scorer`: chat APIs do not return prompt log-likelihoods."""

    name = "openai"

    def __init__(
        self,
        base_url: str | None,
        api_key: str | None,
        model: str,
        *,
        vision: bool = False,
        json_schema: bool = True,
        timeout: float = 60,
        max_retries: int = 2,
    ) -> None:
        import openai

        if not model:
            raise ModelError("the openai backend needs a model name; pass --model NAME or set ECLAIR_MODEL")
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        if not api_key and self.base_url == DEFAULT_BASE_URL:
            raise ModelError(
                "no API key for api.openai.com; set OPENAI_API_KEY or point OPENAI_BASE_URL at your server"
            )
        self.model_id = model
        self.supports_images = vision
        self._key = (self.base_url, model)
        self.structured_mode = _SERVER_MODES.get(self._key) or ("json_schema" if json_schema else "prompt")
        self._mode_confirmed = self._key in _SERVER_MODES
        self.window = _SERVER_WINDOWS.setdefault(self._key, ContextWindow())
        self._window_asked = False
        self.timeout = timeout
        self.last_usage = Usage()
        # The client retries 408/409/429/5xx and dropped connections with exponential backoff (honouring Retry-After).
        self.client = openai.OpenAI(
            base_url=self.base_url, api_key=api_key or PLACEHOLDER_KEY, timeout=timeout, max_retries=max_retries
        )

    @property
    def json_schema(self) -> bool:
        """Whether schemas go as `response_format: json_schema` (else a weaker mode, see STRUCTURED_MODES)."""
        return self.structured_mode == "json_schema"

    def prompt_budget_chars(self, max_tokens: int, schema: dict[str, Any] | None = None) -> int | None:
        """Characters of caller messages that fit the server's context beside the reply (None: window unknown)."""
        self._ask_window()
        budget = self.window.budget_chars(max_tokens)
        if budget is None:
            return None
        if schema is not None and (note := self._schema_note(schema)):
            budget -= len(note)  # the instruction this backend adds itself
        return max(0, budget)

    @property
    def enforces_schema(self) -> bool:
        """Whether the server constrains replies to the schema itself (json_schema, or a llama.cpp grammar)."""
        return self.structured_mode in ("json_schema", "json_object+schema")

    def _schema_note(self, schema: dict[str, Any]) -> str | None:
        # json_object needs the word JSON in the messages; a grammar-enforced schema need not be spelled out.
        if self.structured_mode == "json_schema":
            return None
        if self.structured_mode == "json_object+schema":
            return render_prompt(__file__, "json_only.j2")
        return schema_instruction(schema)

    def build_messages(
        self, messages: Sequence[Message], images: Sequence[bytes], schema: dict[str, Any] | None
    ) -> list[dict[str, Any]]:
        """Messages as sent: images attached to the last user message, a JSON instruction when needed."""
        out = [dict(m) for m in messages]
        if schema is not None and (note := self._schema_note(schema)):
            out.append({"role": "user", "content": note})
        if images and self.supports_images:
            index = max((i for i, m in enumerate(out) if m.get("role") == "user"), default=-1)
            if index < 0:
                out.append({"role": "user", "content": ""})
                index = len(out) - 1
            content = out[index].get("content", "")
            parts: list[dict[str, Any]] = (
                list(content) if isinstance(content, list) else [{"type": "text", "text": str(content)}]
            )
            parts.extend({"type": "image_url", "image_url": {"url": image_data_url(img)}} for img in images)
            out[index]["content"] = parts
        elif images:
            log.debug("model %s is not marked as vision-capable; %d image(s) not sent", self.model_id, len(images))
        return out

    def chat(
        self,
        messages: Sequence[Message],
        *,
        images: Sequence[bytes] = (),
        schema: dict[str, Any] | None = None,
        temperature: float = 0.0,
        n: int = 1,
        max_tokens: int = 256,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
    ) -> list[Completion]:
        """n completions; asks for `schema` via response_format where supported, else in the prompt."""
        started = time.perf_counter()
        usage = Usage()
        completions: list[Completion] = []
        # Some servers (llama.cpp) ignore n > 1: ask again until we have n.
        for _ in range(n):
            args = (messages, images, schema, temperature, n - len(completions), max_tokens, stop, seed)
            response = self._complete(*args)
            completions.extend(self._completions(response))
            usage = _add_usage(usage, response)
            if len(completions) >= n:
                break
        elapsed = (time.perf_counter() - started) * 1000
        self.last_usage = usage.model_copy(update={"model_ms": elapsed})
        share_ms = elapsed / max(1, len(completions))
        return [
            c.model_copy(update={"usage": c.usage.model_copy(update={"model_ms": share_ms})}) for c in completions[:n]
        ]

    # -- internals --------------------------------------------------------------------------------------------------

    def _request(
        self,
        messages: Sequence[Message],
        images: Sequence[bytes],
        schema: dict[str, Any] | None,
        temperature: float,
        n: int,
        max_tokens: int,
        stop: Sequence[str] | None,
        seed: int | None,
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model_id,
            "messages": self.build_messages(messages, images, schema),
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if n > 1:
            request["n"] = n
        if stop:
            request["stop"] = list(stop)[:4]  # the API's limit
        if seed is not None:
            request["seed"] = seed
        fmt = response_format(self.structured_mode, schema) if schema is not None else None
        if fmt is not None:
            request["response_format"] = fmt
        budget = self.window.budget_chars(max_tokens)
        if budget is not None and content_chars(request["messages"]) > budget:
            log.info("prompt of %d chars trimmed to the server's context", content_chars(request["messages"]))
            request["messages"] = trim_messages(request["messages"], budget)
        return request

    def _complete(self, *args: Any) -> Any:
        """One request, asking for JSON the strongest way the server accepts and fitting its context."""
        overflows = 0
        while True:
            request = self._request(*args)
            try:
                response = self._create(request)
            except _FormatRefused as exc:
                weaker = weaker_mode(self.structured_mode)
                assert weaker is not None, "a request without response_format cannot be refused for it"
                log.info(
                    "%s refused response_format %s (%s); asking %s", self.base_url, self.structured_mode, exc, weaker
                )
                self.structured_mode = weaker
                _SERVER_MODES[self._key] = weaker
                continue
            except _ContextOverflow as exc:
                overflows += 1
                if exc.overflow is None or overflows > 2:
                    raise ModelError(
                        f"{self.base_url} (model {self.model_id}): the prompt does not fit the model's context even "
                        f"after trimming ({_short(exc)}); use a model with a longer context or lower max_tokens"
                    ) from None
                self.window.tokens = exc.overflow.context_tokens
                if exc.overflow.prompt_tokens:
                    self.window.learn_ratio(content_chars(request["messages"]), exc.overflow.prompt_tokens)
                continue
            if "response_format" in request and not self._mode_confirmed:
                self._mode_confirmed = True
                _SERVER_MODES[self._key] = self.structured_mode
            prompt_tokens = int(getattr(getattr(response, "usage", None), "prompt_tokens", 0) or 0)
            self.window.learn_ratio(content_chars(request["messages"]), prompt_tokens)
            return response

    def _ask_window(self) -> None:
        """Read the context window from `/v1/models` once (vLLM reports `max_model_len`); errors are ignored."""
        if self._window_asked or self.window.tokens is not None:
            return
        self._window_asked = True
        try:
            listing = self.client.with_options(max_retries=0, timeout=5).models.list()
            data = [m.model_dump() if hasattr(m, "model_dump") else dict(m) for m in listing.data]
            self.window.tokens = context_from_models({"data": data}, self.model_id)
        except Exception as exc:  # a server without /v1/models still serves chat; overflow errors teach us later
            log.debug("no context window from %s/models: %s", self.base_url, exc)

    def _call(self, request: dict[str, Any]) -> Any:
        import openai

        if "response_format" in request and not self._mode_confirmed:
            # Probing a response_format: some servers answer 500 for one they cannot do; do not retry those.
            try:
                return self.client.with_options(max_retries=0).chat.completions.create(**request)
            except openai.InternalServerError as exc:
                raise _FormatRefused(f"HTTP {exc.status_code}") from None
            except (openai.RateLimitError, openai.APIConnectionError):
                pass  # transient: the client below retries with backoff
        return self.client.chat.completions.create(**request)

    def _create(self, request: dict[str, Any]) -> Any:
        import openai

        where = f"{self.base_url} (model {self.model_id})"
        try:
            return self._call(request)
        except openai.BadRequestError as exc:
            if parse_overflow(_short(exc, 2000)) is not None:
                raise _ContextOverflow(_short(exc, 2000)) from None
            if "response_format" in request and _about_response_format(exc):
                raise _FormatRefused(f"400: {_short(exc, 80)}") from None
            raise ModelError(f"{where} rejected the request (400): {_short(exc)}") from None
        except openai.UnprocessableEntityError as exc:
            if "response_format" in request and _about_response_format(exc):
                raise _FormatRefused(f"422: {_short(exc, 80)}") from None
            raise ModelError(f"{where} rejected the request (422): {_short(exc)}") from None
        except openai.AuthenticationError:
            raise ModelError(f"{where} refused the API key (401); set OPENAI_API_KEY to a valid key") from None
        except openai.PermissionDeniedError as exc:
            raise ModelError(f"{where} denied access (403): {_short(exc)}") from None
        except openai.NotFoundError:
            raise ModelError(
                f"{where} answered 404: unknown model or wrong base URL; check --model and OPENAI_BASE_URL"
            ) from None
        except openai.RateLimitError:
            raise ModelError(f"{where} kept rate-limiting (429) after retries; wait or lower concurrency") from None
        except openai.APITimeoutError:
            raise ModelUnavailable(f"{where} did not answer within {self.timeout:g}s (after retries)") from None
        except openai.APIConnectionError:
            raise ModelUnavailable(
                f"cannot reach {self.base_url}: connection refused or failed; is the server running?"
            ) from None
        except openai.APIResponseValidationError:
            raise ModelError(f"{where} returned a malformed response (not chat-completions JSON)") from None
        except openai.APIStatusError as exc:
            raise ModelError(f"{where} failed with HTTP {exc.status_code} after retries: {_short(exc)}") from None
        except json.JSONDecodeError:
            raise ModelError(f"{where} returned a malformed response (invalid JSON body)") from None

    def _completions(self, response: Any) -> list[Completion]:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list) or not choices:
            raise ModelError(f"{self.base_url} (model {self.model_id}) returned a malformed response (no choices)")
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out_each = int(getattr(usage, "completion_tokens", 0) or 0) // len(choices)
        out: list[Completion] = []
        for choice in choices:
            message = getattr(choice, "message", None)
            text = getattr(message, "content", None)
            if not isinstance(text, str):
                refusal = getattr(message, "refusal", None)
                text = "" if refusal is None else str(refusal)
            out.append(
                Completion(
                    text=text,
                    finish_reason=str(getattr(choice, "finish_reason", None) or "stop"),
                    usage=Usage(tokens_in=tokens_in, tokens_out=tokens_out_each),
                )
            )
        return out


def _add_usage(total: Usage, response: Any) -> Usage:
    usage = getattr(response, "usage", None)
    return Usage(
        tokens_in=total.tokens_in + int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=total.tokens_out + int(getattr(usage, "completion_tokens", 0) or 0),
    )


def _about_response_format(exc: Exception) -> bool:
    text = f"{exc} {getattr(exc, 'body', '')}".lower()
    return any(word in text for word in ("response_format", "json_schema", "json_object", "schema"))


def _short(exc: Exception, limit: int = 200) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:limit]
