"""`eclair runs resume ID`: continue a stopped run from its last committed step, appending steps to the same run.

The browser state is rebuilt as well as the stored steps allow, in one of two ways (the choice is printed):
- replay: open the start URL and run every committed action again. Chosen when every committed action only
  changes the page in front of the agent (typing, selecting, ticking, scrolling, opening a URL), so doing it twice
  sends nothing twice; it also restores what a reload loses (typed fields).
- last-url: open the page the run was on after its last click or key press (the next committed step's URL) and
  replay the page-only actions after it. Chosen when a committed click or key press may have sent something to the
  server: doing that again could submit twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eclair.errors import EclairError
from eclair.runner_io import next_step_after as next_step_after  # the runner needs it too; it lives below
from eclair.types import StepRecord

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from eclair.assemble import RunParts
    from eclair.config import Settings
    from eclair.runner import RunOutcome
    from eclair.runner_io import EventSink
    from eclair.runspec import RunSpec

# Actions whose only effect is on the page in front of the agent: safe to run a second time.
PAGE_ONLY = frozenset({"type", "select", "check", "hover", "scroll", "goto", "wait"})
RESUMABLE = ("interrupted", "failed")
OPENABLE = ("http://", "https://", "file://")


class NotResumable(EclairError):
    """The run cannot be continued (finished well, or still running)."""


@dataclass(frozen=True)
class ResumePlan:
    mode: Literal["replay", "last-url"]
    url: str  # opened first
    replay: tuple[StepRecord, ...]  # then these committed actions run again, in order
    why: str


def _acted(step: StepRecord) -> bool:
    return step.result is not None and step.result.ok and step.decision.action.kind not in ("done", "ask_human")


def plan_resume(start_url: str, committed: list[StepRecord], mode: str = "auto") -> ResumePlan:
    """How to put the browser back where the run stopped (see the module docstring); `mode` forces one way."""
    if mode not in ("auto", "replay", "last-url"):
        raise EclairError(f"--mode {mode!r} is not auto, replay or last-url")
    acted = [s for s in committed if _acted(s)]
    unsafe = [i for i, s in enumerate(acted) if s.decision.action.kind not in PAGE_ONLY]
    if mode == "replay" and unsafe:
        why = "asked for replay: every committed action runs again, clicks and key presses included"
        return ResumePlan("replay", start_url, tuple(acted), why)
    if not unsafe and mode == "last-url" and committed:
        why = "asked for last-url: the last committed page, reopened, with nothing replayed"
        return ResumePlan("last-url", committed[-1].observation.url, (), why)
    if not unsafe:
        why = f"all {len(acted)} committed actions only change the page itself; running them again sends nothing"
        return ResumePlan("replay", start_url, tuple(acted), why)
    last = unsafe[-1]
    kind = acted[last].decision.action.kind
    after = [s for s in committed if s.index > acted[last].index]
    if after and not after[0].observation.url.lower().startswith(OPENABLE):
        why = (
            f"the page after step {acted[last].index} ({kind}) was {after[0].observation.url.split(':')[0]}:, not a URL"
        )
        return ResumePlan("last-url", acted[last].observation.url, (), why + "; reopened the page before it")
    if after:
        why = f"step {acted[last].index} was a {kind} that may have sent something; it is not done again"
        return ResumePlan("last-url", after[0].observation.url, tuple(s for s in acted[last + 1 :]), why)
    why = (
        f"step {acted[last].index} ({kind}) was the last committed one and the page it led to is unknown; "
        "reopened the page it was taken on, without doing it again"
    )
    return ResumePlan("last-url", acted[last].observation.url, (), why)


def position_page(page: Page, spec: RunSpec, plan: ResumePlan) -> tuple[Page, list[str]]:
    """Open the plan's URL and replay its actions; returns the tab to go on in and what no longer worked."""
    from eclair.browser import act_and_observe, navigate, observe
    from eclair.security.guard import RunGuard

    guard = spec.guard or RunGuard.for_task(spec.task)
    navigate(page, plan.url)
    problems = []
    for step in plan.replay:
        observe(page, screenshot=False)  # stamps the element ids the stored action names
        result, page, _ = act_and_observe(page, guard.fill(step.decision.action))
        if not result.ok:
            problems.append(f"step {step.index}: {result.error}")
    return page, problems


def check_resumable(status: str, run_id: str) -> None:
    if status not in RESUMABLE:
        raise NotResumable(
            f"run {run_id} is {status}; only {', '.join(RESUMABLE)} runs can be resumed (see `eclair runs list`)"
        )


def resume_run(
    run_id: str,
    settings: Settings,
    *,
    mode: str = "auto",
    parts: RunParts | None = None,
    on_event: EventSink | None = None,
    on_plan: Callable[[ResumePlan, list[str]], None] | None = None,
) -> RunOutcome:
    """Continue run `run_id` (interrupted or failed) with the agent and model it ran with."""
    from eclair.assemble import build_run, load_parts
    from eclair.runner import browser_page, run_task
    from eclair.store import Store

    store = parts.store if parts is not None else Store(settings)
    store.mark_interrupted()
    info = store.get_run(run_id)
    check_resumable(info.status, run_id)
    task = store.get_task(run_id)
    if not task.start_url:
        raise NotResumable(f"run {run_id} has no start URL to reopen; start a new run with --url")
    if parts is None:  # the same policy and model as the run had
        settings = settings.with_overrides(
            agent=info.agent or None, backend=info.backend or None, model=info.model or None
        )
        parts = load_parts(settings, store=store)
    spec = build_run(task, parts, settings)
    plan = plan_resume(task.start_url, store.get_steps(run_id), mode)
    with browser_page(settings) as page:
        page, problems = position_page(page, spec, plan)
        if on_plan is not None:
            on_plan(plan, problems)
        return run_task(spec, page, store=store, on_event=on_event, resume_id=run_id)
