"""The critic contract: step validators run after every action, task judges at the end of a run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from eclair.types import Action, ActionResult, Observation, StepRecord, Task, Verdict

# Critics whose verdicts are ground truth or human labels; combine() never lets them vote.
REFERENCE_CRITICS = frozenset({"checker", "human", "review"})

# Guards only detect problems: their fails count, their passes ("no problem seen") vote only when nothing else did.
GUARD_CRITICS = frozenset(
    {"rule.action_ok", "rule.no_repeat", "rule.page_loaded", "rule.no_new_error", "rule.finished", "rule.step_verdicts"}
)

CriticRole = Literal["effect", "guard", "judge"]
# effect: verifies the action's intended effect (can pass or fail)
# guard: only detects problems (fails, or passes weakly when no problem is seen)
# judge: a model; the panel calls it only when effect/guard rules are inconclusive


class StepCritic(Protocol):
    name: str

    def check_step(
        self,
        before: Observation,
        action: Action,
        after: Observation,
        expected: str,
        *,
        result: ActionResult | None = None,
        history: Sequence[StepRecord] = (),
    ) -> Verdict:
        """Did this action do what it was meant to? `expected` is the agent's stated expected outcome."""
        ...


class TaskCritic(Protocol):
    name: str

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        """Was the task accomplished, judged from the trajectory and the final page only?"""
        ...
