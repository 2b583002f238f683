"""Run one demo-suite workflow end to end (what `eclair demo` and `make demo` show a new user)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eclair.assemble import RunParts, load_parts
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
    success: bool
    reason: str
    trace_dir: Path


def run_demo_workflow(
    workflow_id: str,
    settings: Settings,
    *,
    seed: int = 0,
    parts: RunParts | None = None,
    on_event: EventSink | None = None,
    on_task: Callable[[Task], Task | None] | None = None,
    gate: Gate | None = None,
    control: RunControl | None = None,
) -> DemoResult:
    """Start the demo apps, set the workflow up with `seed`, run it, and judge it with the hidden checker.

    `on_task` sees the seeded task before the run and may return a replacement (e.g. a reworded description).
    """
    apps = environments()
    parts = parts or load_parts(settings)
    with apps.serve(port=0) as server, browser_page(settings) as page:
        env = apps.make_env(workflow_id, server.base_url)
        task = env.setup(page, seed)
        if on_task is not None:
            task = on_task(task) or task
        outcome = run_task(
            task,
            parts.agent,
            page,
            store=parts.store,
            critics=parts.critics,
            settings=settings,
            backend_name=parts.backend.name,
            model_id=parts.backend.model_id,
            on_event=on_event,
            gate=gate,
            control=control,
            is_finished=lambda p: env.validate(p)[1],
        )
        reward, _ = env.validate(outcome.page)
        reason = env.reward_reason(outcome.page)
        env.teardown()
    success = reward > 0
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
