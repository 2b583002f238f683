"""The composition root: the parts of a run from Settings, and `build_run`, the one way any entry point makes a RunSpec.

`eclair run`, `eclair demo`, the benchmarks, `eclair improve` and the TUI all come through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eclair.config import Settings
from eclair.critics import CriticPanel, default_panel
from eclair.demonstrations import task_sop
from eclair.errors import EclairError
from eclair.models import load_backend
from eclair.plugins import make_agent
from eclair.runner import EventSink, RunControl, RunOutcome, execute
from eclair.runspec import Limits, RunSpec
from eclair.security.gate import Gate, policy_gate
from eclair.security.guard import RunGuard
from eclair.store import Store
from eclair.types import Agent, Task


@dataclass
class RunParts:
    """What many runs share: the store, the policy, the critics and (when a model drives the policy) its backend."""

    store: Store
    agent: Agent
    critics: CriticPanel | None
    backend: Any = None  # a Backend; None for a policy that needs no model (a scripted one)

    @property
    def backend_name(self) -> str:
        return str(getattr(self.backend, "name", "")) if self.backend is not None else ""

    @property
    def model_id(self) -> str:
        return str(getattr(self.backend, "model_id", "")) if self.backend is not None else ""


def load_parts(
    settings: Settings,
    *,
    store: Store | None = None,
    backend: Any = None,
    agent: str | None = None,
    agent_options: dict[str, Any] | None = None,
) -> RunParts:
    """The configured backend, the agent registered as `agent` (default: settings.agent) and the default critics."""
    store = store or Store(settings)
    backend = backend or load_backend(settings)
    policy = make_agent(agent or settings.agent, backend, **(agent_options or {}))
    return RunParts(store=store, agent=policy, critics=default_panel(judge=backend), backend=backend)


def build_run(
    task: Task,
    parts: RunParts,
    settings: Settings,
    *,
    start: str | None = None,
    gate: Gate | None = None,
    tracing: bool = True,
    is_finished: Callable[[Any], bool] | None = None,
) -> RunSpec:
    """The RunSpec for `task` with these parts; limits and policy from `settings` unless a gate is given.

    `start` (default: the task's start URL) only says where the browser begins; it never changes the task."""
    max_steps = min(task.max_steps, settings.max_steps) if task.max_steps else settings.max_steps
    return RunSpec(
        task=task,
        agent=parts.agent,
        critics=parts.critics,
        gate=gate or policy_gate(settings, task),
        limits=Limits(max_steps=max_steps, max_retries=settings.max_retries),
        start=start or task.start_url,
        backend_name=parts.backend_name,
        model_id=parts.model_id,
        tracing=tracing,
        is_finished=is_finished,
        guard=RunGuard.for_task(task, settings),
    )


def build_task(
    text: str,
    url: str | None,
    settings: Settings,
    store: Store,
    *,
    workflow: str | None = None,
    params: dict[str, str] | None = None,
) -> Task:
    """A Task from a description, with the workflow's start URL and current SOP when a workflow is named."""
    sop = None
    if workflow:
        info = store.get_workflow(workflow)
        if info is None:
            raise EclairError(f"unknown workflow {workflow!r}; see `eclair sop --help` or record one first")
        url = url or info.start_url
        sop = task_sop(store, workflow, params or {})
    return Task(text=text, start_url=url, params=params or {}, sop=sop, workflow=workflow, max_steps=settings.max_steps)


def run_described(
    text: str,
    url: str | None,
    settings: Settings,
    *,
    workflow: str | None = None,
    parts: RunParts | None = None,
    gate: Gate | None = None,
    on_event: EventSink | None = None,
    control: RunControl | None = None,
) -> RunOutcome:
    """Run a task described in plain words, end to end, and return the outcome (stored in the DB)."""
    parts = parts or load_parts(settings)
    task = build_task(text, url, settings, parts.store, workflow=workflow)
    spec = build_run(task, parts, settings, gate=gate)
    return execute(spec, settings, store=parts.store, on_event=on_event, control=control)
