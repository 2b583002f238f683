"""Put the parts of a run together from Settings: store, backend, agent, critics. Used by the CLI and the TUI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eclair.config import Settings
from eclair.critics import CriticPanel, default_panel
from eclair.demonstrations import task_sop
from eclair.models import load_backend
from eclair.models.base import Backend
from eclair.plugins import make_agent
from eclair.runner import EventSink, RunControl, RunOutcome, execute
from eclair.store import Store
from eclair.types import Agent, Task


@dataclass
class RunParts:
    store: Store
    backend: Backend
    agent: Agent
    critics: CriticPanel


def load_parts(
    settings: Settings,
    *,
    store: Store | None = None,
    backend: Backend | None = None,
    agent_options: dict[str, Any] | None = None,
) -> RunParts:
    store = store or Store(settings)
    backend = backend or load_backend(settings)
    agent = make_agent(settings.agent, backend, **(agent_options or {}))
    return RunParts(store=store, backend=backend, agent=agent, critics=default_panel(judge=backend))


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
            from eclair.errors import EclairError

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
    on_event: EventSink | None = None,
    control: RunControl | None = None,
) -> RunOutcome:
    """Run a task described in plain words, end to end, and return the outcome (stored in the DB)."""
    parts = parts or load_parts(settings)
    task = build_task(text, url, settings, parts.store, workflow=workflow)
    return execute(
        task,
        parts.agent,
        settings,
        store=parts.store,
        critics=parts.critics,
        backend_name=parts.backend.name,
        model_id=parts.backend.model_id,
        on_event=on_event,
        control=control,
    )
