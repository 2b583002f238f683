"""What one run is, in one value: the task, where it starts, who decides, who checks, the policy and the limits.

Every entry point (eclair run, demo, bench, improve, the TUI) builds a RunSpec through `eclair.assemble.build_run`
and hands it to `eclair.runner.run_task`; nothing else decides how a run is put together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eclair.critics import CriticPanel
from eclair.security.gate import Gate
from eclair.security.guard import RunGuard
from eclair.types import Agent, Task


@dataclass(frozen=True)
class Limits:
    """How far a run may go: committed steps, and failed attempts at one step before it gives up."""

    max_steps: int
    max_retries: int


@dataclass(frozen=True)
class RunSpec:
    """One run, fully described. `task` is what was asked, exactly; `start` only says where the browser begins."""

    task: Task
    agent: Agent
    critics: CriticPanel | None
    gate: Gate
    limits: Limits
    start: str | None = None  # a URL to open first; None: the page is already where the run begins
    backend_name: str = ""
    model_id: str = ""
    tracing: bool = True  # Playwright tracing into the run's trace.zip
    is_finished: Callable[[Any], bool] | None = None  # an environment saying its episode is over (never a reward)
    guard: RunGuard | None = None  # secrets (vault, masking) and the request fence; None: the task's own secrets
