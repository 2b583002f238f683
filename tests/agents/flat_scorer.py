"""A scorer that scores every candidate alike, so a decision shows the agent's features other than the model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eclair.types import Usage


class FlatScorer:
    """A `Backend` and `Scorer` whose log-likelihoods are all 0 (prompts in plain text, no chat template)."""

    name = "flat"
    model_id = ""
    supports_images = False
    enforces_schema = False

    def __init__(self) -> None:
        self.last_usage = Usage()

    def chat(self, messages: Sequence[dict[str, Any]], **_: Any) -> list[Any]:
        raise AssertionError("the scoring agent never generates text")

    def prompt_budget_chars(self, max_tokens: int, schema: dict[str, Any] | None = None) -> int | None:
        return None

    def render_chat(self, messages: Sequence[dict[str, Any]]) -> str:
        return "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant:"

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        return [0.0] * len(continuations)

    def score_many(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[list[float]]:
        return [self.score(p, continuations) for p in prompts]
