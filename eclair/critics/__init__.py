"""eclair.critics: step validators (rules, DOM/visual diff, model judge) and task/trajectory judges.

`default_panel(judge)` is what the runner uses; `combine` turns a list of verdicts into one label.
"""

from eclair.critics.base import REFERENCE_CRITICS, StepCritic, TaskCritic
from eclair.critics.panel import STEP_THRESHOLD, TASK_THRESHOLD, CriticPanel, combine, default_panel

__all__ = [
    "REFERENCE_CRITICS",
    "STEP_THRESHOLD",
    "TASK_THRESHOLD",
    "CriticPanel",
    "StepCritic",
    "TaskCritic",
    "combine",
    "default_panel",
]
