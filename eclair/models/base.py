"""The provider-neutral model interface. Each provider is an adapter in its own module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from eclair.errors import EclairError
from eclair.types import Usage


class ModelError(EclairError):
    """A model problem a user can fix (missing model path, endpoint refused, unknown model); one-line message."""


class ScoringUnsupported(ModelError):
    """The backend cannot return log-likelihoods (remote chat APIs)."""


class Completion(BaseModel):
    text: str
    finish_reason: str = "stop"
    usage: Usage = Usage()


Message = dict[str, Any]  # {"role": "system"|"user"|"assistant", "content": str}


@runtime_checkable
class Backend(Protocol):
    """A chat model, and for local models a scorer of continuations."""

    name: str  # "local" | "openai"
    model_id: str  # what a run records as its model version
    supports_images: bool
    last_usage: Usage  # tokens and latency of the most recent chat() or score() call

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
        """Generate n completions for a chat; `schema` asks for JSON matching it where the backend can."""
        ...

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        """Sum of log-probabilities of each continuation after `prompt` (raw text, no chat template)."""
        ...
