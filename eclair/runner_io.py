"""What a run needs around its loop: a browser page, an event sink that cannot break it, the Playwright trace."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eclair.browser import capture, live_trace, new_context, open_browser
from eclair.config import Settings
from eclair.security.guard import RunGuard
from eclair.types import Agent, Decision, Observation, RunEvent, StepRecord, Task

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)

EventSink = Callable[[RunEvent], None]


def start_tracing(context: Any, run_id: str, tracing: bool, guard: RunGuard) -> None:
    """Playwright tracing for the run; kept on disk as it goes (live_trace) unless the run holds secrets."""
    if tracing:
        live_trace.start(context, run_id, screenshots=guard.trace_screenshots, salvageable=not guard.active)


def stop_tracing(context: Any, run_dir: Path, tracing: bool, guard: RunGuard) -> None:
    """Write the run's trace.zip; when the browser is gone, zip what was kept on disk instead."""
    try:
        if tracing:
            context.tracing.stop(path=str(run_dir / "trace.zip"))
            live_trace.discard(context, run_dir.name)
    except Exception as exc:  # a closed browser cannot write its trace; the steps are already stored
        set_aside_partial_trace(run_dir / "trace.zip")
        if not salvage_trace(run_dir, context):
            log.warning("could not save trace.zip: %s", exc)
    finally:
        guard.finish(run_dir)  # trace.zip and downloads scrubbed before anyone can read them
        guard.detach(context)


def salvage_trace(run_dir: Path, context: Any = None) -> bool:
    """trace.zip from the raw files a dead browser or process left (live_trace); False when there were none."""
    try:
        folders = live_trace.launch_folders(run_dir.parent, context)
        saved = live_trace.salvage(folders, run_dir.name, run_dir / "trace.zip")
    except OSError as exc:  # e.g. the disk is still full
        log.warning("could not salvage the trace of run %s: %s", run_dir.name, exc)
        return False
    if saved:
        log.warning("the browser closed before its trace was saved; trace.zip was rebuilt from the live trace files")
    return saved


def set_aside_partial_trace(trace: Path) -> None:
    """A trace.zip cut short (e.g. the disk filled up) is kept as trace.zip.incomplete: trace.zip is always whole."""
    if trace.exists() and not zipfile.is_zipfile(trace):
        trace.replace(trace.with_name("trace.zip.incomplete"))


def keep_earlier_trace(run_dir: Path) -> None:
    """A resumed run records a new trace.zip: the earlier one (already scrubbed) becomes trace-part-N.zip."""
    earlier = run_dir / "trace.zip"
    if earlier.exists():
        n = 1 + sum(1 for _ in run_dir.glob("trace-part-*.zip"))
        earlier.rename(run_dir / f"trace-part-{n}.zip")


def emitter(run_id: str, sink: EventSink | None) -> Callable[..., None]:
    def emit(kind: str, step: int | None, **data: Any) -> None:
        if sink is None:
            return
        try:
            sink(RunEvent(kind=kind, run_id=run_id, step=step, data=data))  # type: ignore[arg-type]
        except Exception:  # a broken viewer must not break the run
            log.exception("event sink failed")

    return emit


@contextmanager
def browser_page(settings: Settings, *, video_dir: Any = None) -> Iterator[Page]:
    """A fresh browser context and page from the configured browser, closed afterwards."""
    with open_browser(settings) as browser:
        context = new_context(browser, video_dir=video_dir)
        try:
            yield context.new_page()
        finally:
            context.close()


def watch_crashes(context: Any) -> list[str]:
    """A list that gets the URL of every page of `context` whose renderer crashes (Playwright's `crash` event)."""
    crashed: list[str] = []

    def watch(page: Any) -> None:
        page.on("crash", lambda p: crashed.append(p.url))

    for page in context.pages:
        watch(page)
    context.on("page", watch)
    return crashed


def decide(
    agent: Agent, task: Task, obs: Observation, history: list[StepRecord], page: Page, pool: ThreadPoolExecutor
) -> Decision:
    """Ask the agent, capturing the observation's screenshot meanwhile when the agent reads text only.

    Playwright stays on this thread; the model runs on the pool's. An agent that does not say
    (`uses_screenshot`) gets the screenshot before it decides."""
    if obs.screenshot is None and getattr(agent, "uses_screenshot", True):
        obs.screenshot = capture(page)
    if obs.screenshot is not None:
        return agent.decide(task, obs, history)
    pending = pool.submit(agent.decide, task, obs, history)
    obs.screenshot = capture(page)
    return pending.result()


def next_step_after(committed: list[StepRecord]) -> tuple[int, int]:
    """(index, attempt) of the step after the committed ones: the next try at a failed attempt, else a new step."""
    if not committed:
        return 0, 0
    last = committed[-1]
    failed = (last.result is not None and not last.result.ok) or (last.feedback or "").startswith("refused")
    return (last.index, last.attempt + 1) if failed else (last.index + 1, 0)
