"""The provider-neutral model interface. Each provider is an adapter in its own module."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from eclair.errors import EclairError
from eclair.types import Usage


class ModelError(EclairError):
    """A model problem a user can fix (missing model path, endpoint refused, unknown model); one-line message."""


class ModelUnavailable(ModelError):
    """The endpoint did not answer in time or could not be reached: nothing wrong with the run, try it again."""


class ScoringUnsupported(ModelError):
    """The backend cannot return log-likelihoods (remote chat APIs)."""


class Completion(BaseModel):
    text: str
    finish_reason: str = "stop"
    usage: Usage = Usage()


Message = dict[str, Any]  # {"role": "system"|"user"|"assistant", "content": str}


@runtime_checkable
class Backend(Protocol):
    """A chat model. What else it can do it declares here, and by being a `Scorer` or not; callers never probe."""

    name: str  # "local" | "openai"
    model_id: str  # what a run records as its model version
    last_usage: Usage  # tokens and latency of the most recent chat() or score() call

    @property
    def supports_images(self) -> bool:
        """Whether chat() shows `images` to the model (else it drops them)."""
        ...

    @property
    def enforces_schema(self) -> bool:
        """Whether the server constrains replies to `schema` itself (else the prompt has to ask for it)."""
        ...

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

    def prompt_budget_chars(self, max_tokens: int, schema: dict[str, Any] | None = None) -> int | None:
        """Characters of messages that fit the model's context beside a `max_tokens` reply; None: no known limit."""
        ...


@runtime_checkable
class Scorer(Protocol):
    """A backend that returns log-likelihoods of raw text (local models); remote chat APIs are not Scorers."""

    last_usage: Usage

    def render_chat(self, messages: Sequence[Message]) -> str:
        """The exact text the model sees for `messages` (chat template + generation prompt): what scores follow."""
        ...

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        """Sum of log-probabilities of each continuation after `prompt` (raw text, no chat template)."""
        ...

    def score_many(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[list[float]]:
        """score() of the same continuations after each prompt; shared prompt starts are computed once."""
        ...


def scorer_of(backend: object) -> Scorer | None:
    """`backend` as a Scorer when it declares log-likelihoods (implements `Scorer`), else None."""
    return backend if isinstance(backend, Scorer) else None


def require_scorer(backend: Backend) -> Scorer:
    """`backend` as a Scorer, or the one-line error saying to use a local model."""
    scorer = scorer_of(backend)
    if scorer is None:
        raise ScoringUnsupported(
            f"the {backend.name} backend ({backend.model_id}) cannot score continuations; use --backend local to score"
        )
    return scorer
