"""A feature is a named, documented signal about one candidate action on one page: (candidate, step) → float.

The step context bundles the page, the task and the history with what is derived from them once per step (task
values, what is still to do, the model's scores), so a feature reads it and never recomputes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agents.scoring_agent.values import TaskValue
from eclair.types import Candidate, Element, Observation, StepRecord, Task


@dataclass
class StepContext:
    """What every feature of one decision reads: the task, the page, the history and their derived state."""

    task: Task
    obs: Observation
    history: list[StepRecord]
    goal: str
    values: list[str]
    parsed: list[TaskValue]
    todo: list[str]
    fresh: set[str]
    flagged: set[str]
    values_entered: bool
    model: dict[str, float] = field(default_factory=dict)  # candidate text → calibrated log-likelihood
    similarity: dict[str, float] = field(default_factory=dict)  # candidate text → embedding cosine with the goal
    cache: dict[int, dict[str, float]] = field(default_factory=dict)

    def element(self, cand: Candidate) -> Element | None:
        return next((e for e in self.obs.elements if e.id == cand.action.element), None)


@dataclass(frozen=True)
class Feature:
    """One named signal; `value` maps a candidate in its step to a float (0 when the signal does not apply)."""

    name: str
    doc: str
    compute: Callable[[Candidate, StepContext], float]

    def value(self, cand: Candidate, ctx: StepContext) -> float:
        return float(self.compute(cand, ctx))


def feature_of(fn: Callable[[Candidate, StepContext], float], name: str | None = None) -> Feature:
    """A Feature named after the function, documented by its docstring's first line."""
    doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
    return Feature(name or fn.__name__, doc, fn)
