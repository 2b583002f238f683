"""Fit a chat request into a server's context window: learn the window, estimate tokens, trim what does not fit.

Servers report their window in different places: vLLM's `/v1/models` (`max_model_len`), and every common server
in the error it returns for a too-long prompt (OpenAI, vLLM and llama-cpp-python: "maximum context length is N
tokens ... (M in the messages ...)"; llama.cpp's own server: "(M tokens) exceeds the available context size (N
tokens)"). Tokens are estimated from characters with a ratio measured on the server's own usage reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TRIM_MARK = "\n…[trimmed to fit the model's context]…\n"
DEFAULT_CHARS_PER_TOKEN = 3.0  # cautious for English and markup until the server has reported real counts
SAFETY = 0.9  # estimates are estimates: leave a tenth of the window free

_OPENAI_STYLE = re.compile(
    r"maximum context length is (\d+) tokens.*?requested (\d+) tokens(?: \((\d+) in the messages)?", re.S | re.I
)
_LLAMA_CPP_STYLE = re.compile(r"\((\d+) tokens\) exceeds the available context size \((\d+) tokens\)", re.I)
_CONTEXT_FIELDS = ("max_model_len", "context_length", "context_window", "n_ctx", "max_context_length")


@dataclass
class Overflow:
    """What a context-length error told us: the window, and the prompt's size in tokens when it says so."""

    context_tokens: int
    prompt_tokens: int | None


def parse_overflow(message: str) -> Overflow | None:
    """The context window named in a server's error message, or None when the error is about something else."""
    if match := _OPENAI_STYLE.search(message):
        prompt = match.group(3)
        return Overflow(int(match.group(1)), int(prompt) if prompt else None)
    if match := _LLAMA_CPP_STYLE.search(message):
        return Overflow(int(match.group(2)), int(match.group(1)))
    return None


def context_from_models(listing: Any, model: str) -> int | None:
    """The window a `/v1/models` listing reports for `model` (vLLM and some others do; OpenAI does not)."""
    entries = listing.get("data", []) if isinstance(listing, dict) else []
    for entry in entries:
        if not isinstance(entry, dict) or (entry.get("id") not in (model, None) and len(entries) > 1):
            continue
        for key in _CONTEXT_FIELDS:
            value = entry.get(key)
            if isinstance(value, int) and value > 0:
                return value
    return None


def content_chars(messages: list[dict[str, Any]]) -> int:
    """Characters of text in the messages (image parts are not counted: they are sized by the server)."""
    total = 0
    for message in messages:
        content = message.get("content", "")
        if isinstance(content, str):
            total += len(content)
        elif isinstance(content, list):
            total += sum(len(str(part.get("text", ""))) for part in content if isinstance(part, dict))
    return total


@dataclass
class ContextWindow:
    """A server's window (None until known) and the measured characters per token."""

    tokens: int | None = None
    chars_per_token: float = DEFAULT_CHARS_PER_TOKEN

    def learn_ratio(self, chars: int, prompt_tokens: int) -> None:
        # The chat template adds a few tokens per message; the ratio errs low, which trims a little more.
        if chars > 200 and prompt_tokens > 0:
            self.chars_per_token = chars / prompt_tokens

    def budget_chars(self, max_tokens: int) -> int | None:
        """How many characters of messages fit beside a reply of `max_tokens`; None when the window is unknown."""
        if self.tokens is None:
            return None
        room = max(64, self.tokens - max_tokens - 16)
        return int(room * self.chars_per_token * SAFETY)


def trim_messages(messages: list[dict[str, Any]], max_chars: int) -> list[dict[str, Any]]:
    """Shorten the longest text contents from their middle until the messages fit `max_chars`.

    The start (instructions, task) and the end (what the reply follows from) of each message are kept."""
    out = [dict(m) for m in messages]
    for _ in range(len(out) * 4):
        excess = content_chars(out) - max_chars
        if excess <= 0:
            break
        index = max(range(len(out)), key=lambda i: len(out[i].get("content", "")) if _is_text(out[i]) else -1)
        text = out[index].get("content", "")
        if not _is_text(out[index]) or len(text) <= len(TRIM_MARK) + 64:
            break
        keep = max(64, len(text) - excess - len(TRIM_MARK))
        head = keep * 2 // 3
        out[index]["content"] = text[:head] + TRIM_MARK + text[len(text) - (keep - head) :]
    return out


def _is_text(message: dict[str, Any]) -> bool:
    return isinstance(message.get("content"), str)
