"""The critic contract: step validators run after every action, task judges at the end of a run."""

from __future__ import annotations

from typing import Protocol

from eclair.types import Action, Observation, StepRecord, Task, Verdict


class StepCritic(Protocol):
    name: str

    def check_step(self, before: Observation, action: Action, after: Observation, expected: str) -> Verdict:
        """Did this action do what it was meant to? `expected` is the agent's stated expected outcome."""
        ...


class TaskCritic(Protocol):
    name: str

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        """Was the task accomplished, judged from the trajectory and the final page only?"""
        ...
