"""Run on the demo apps end to end (what `eclair demo`, `make demo` and the TUI's demo picker show a new user)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eclair.assemble import RunParts, build_run, load_parts
from eclair.config import Settings
from eclair.control import RunControl
from eclair.plugins import environments
from eclair.runner import EventSink, RunOutcome, browser_page, run_task
from eclair.security.gate import Gate
from eclair.types import Task, Verdict


@dataclass
class DemoResult:
    outcome: RunOutcome
    run_id: str
    status: str
    success: bool | None  # the hidden checker's verdict; None when the run was not the workflow's own task
    reason: str
    trace_dir: Path


def own_task(description: str, seeded: Task, settings: Settings) -> Task:
    """A person's description run where the demo workflow starts: its start page, seeded app and sign-in only.

    None of the workflow's parameters, SOP or identity come along: the task is exactly what the person wrote."""
    return Task(
        text=description.strip(),
        start_url=seeded.start_url,
        secrets=dict(seeded.secrets),  # the app's sign-in, typed via {{password}}; never the workflow's answer
        max_steps=settings.max_steps,
    )


def run_demo_workflow(
    workflow_id: str,
    settings: Settings,
    *,
    seed: int = 0,
    description: str | None = None,
    parts: RunParts | None = None,
    on_event: EventSink | None = None,
    on_task: Callable[[Task], None] | None = None,
    gate: Gate | None = None,
    control: RunControl | None = None,
) -> DemoResult:
    """Start the demo apps, set the workflow up with `seed`, run it, and judge it with the hidden checker.

    With a `description` (a person's own words) the workflow only chooses where the run starts (`own_task`), and
    no checker judges it: the checker knows only its own task. `on_task` sees the task before the run starts."""
    apps = environments()
    parts = parts or load_parts(settings)
    with apps.serve(port=0) as server, browser_page(settings) as page:
        env = apps.make_env(workflow_id, server.base_url)
        task = env.setup(page, seed)
        checked = not description or not description.strip()
        if not checked:
            task = own_task(description or "", task, settings)
        if on_task is not None:
            on_task(task)
        finished = (lambda p: env.validate(p)[1]) if checked else None
        outcome = run_task(
            build_run(task, parts, settings, gate=gate, is_finished=finished),
            page,
            store=parts.store,
            on_event=on_event,
            control=control,
        )
        reward = env.validate(outcome.page)[0] if checked else 0.0
        reason = env.reward_reason(outcome.page) if checked else "not the workflow's own task: no checker"
        env.teardown()
    success = reward > 0 if checked else None
    if success is not None:
        parts.store.add_verdict(
            outcome.run_id,
            Verdict(label="pass" if success else "fail", score=float(success), reason=reason, critic="checker"),
        )
    return DemoResult(
        outcome=outcome,
        run_id=outcome.run_id,
        status=outcome.status,
        success=success,
        reason=reason,
        trace_dir=parts.store.run_dir(outcome.run_id),
    )
