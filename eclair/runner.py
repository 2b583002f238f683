"""The loop: observe → decide (agent) → gate → act → validate (critics) → persist, one committed step at a time.

The runner receives an agent; it never imports a concrete one. It never sees a checker or a reward: a benchmark
may pass `is_finished` (the environment says the episode is over) but success is judged afterwards, elsewhere.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eclair.browser import act_and_observe, capture, navigate, new_context, observe, open_browser
from eclair.config import Settings
from eclair.control import RunControl
from eclair.critics import CriticPanel, combine
from eclair.errors import EclairError
from eclair.security.gate import Gate, GateDecision, policy_gate
from eclair.security.guard import RunGuard
from eclair.store import Store
from eclair.types import (
    ActionResult,
    Agent,
    Decision,
    Observation,
    RunEvent,
    RunStatus,
    StepRecord,
    StepTimings,
    Task,
    Verdict,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)

EventSink = Callable[[RunEvent], None]
__all__ = ["EventSink", "RunControl", "RunOutcome", "execute", "run_task"]


@dataclass
class RunOutcome:
    run_id: str
    status: RunStatus
    answer: str | None
    steps: list[StepRecord]
    final: Observation
    page: Any  # the tab the run ended on, still open
    label: Verdict | None = None
    error: str | None = None
    wall_ms: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass
class _Loop:
    """Per-run bookkeeping for loop detection."""

    last_signature: str = ""
    repeats: int = 0
    history: list[StepRecord] = field(default_factory=list)

    def see(self, obs: Observation, decision: Decision) -> int:
        signature = hashlib.sha1((obs.url + obs.text + decision.action.describe()).encode()).hexdigest()
        self.repeats = self.repeats + 1 if signature == self.last_signature else 1
        self.last_signature = signature
        return self.repeats


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def run_task(
    task: Task,
    agent: Agent,
    page: Page,
    *,
    store: Store,
    critics: CriticPanel | None,
    settings: Settings,
    backend_name: str = "",
    model_id: str = "",
    gate: Gate | None = None,
    on_event: EventSink | None = None,
    control: RunControl | None = None,
    tracing: bool = True,
    is_finished: Callable[[Page], bool] | None = None,
) -> RunOutcome:
    """Run one task on an open page until the agent is done, the budget runs out, or the run is stopped."""
    guard = RunGuard.for_task(task, settings)  # secrets: typed when acting, masked in every sink
    store, on_event = guard.store(store), guard.sink(on_event)
    info = store.create_run(task, agent=agent.name, backend=backend_name, model=model_id)
    run_id = info.id
    run_dir = store.run_dir(run_id)
    gate = gate or policy_gate(settings, task)
    control = control or RunControl()
    emit = _emitter(run_id, on_event)
    started = time.perf_counter()
    loop = _Loop()
    history = loop.history
    status: RunStatus = "failed"
    error: str | None = None
    answer: str | None = None
    said_done = False
    label: Verdict | None = None
    tokens_in = tokens_out = 0

    context = page.context
    if tracing:
        context.tracing.start(screenshots=guard.trace_screenshots, snapshots=True, sources=False)
    store.start_run(run_id)
    guard.attach(context, allowed_domains=gate.allowed_domains)
    beating = ExitStack()
    beating.enter_context(guard.logs())
    beating.enter_context(store.keep_alive(run_id))  # long model calls must not look like a dead process
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eclair-decide")
    beating.callback(pool.shutdown, wait=False)
    emit("run_started", None, task=task.text, url=page.url)
    try:
        if task.start_url and page.url in ("", "about:blank"):
            page.goto(task.start_url)
        agent.begin(task)
        index, attempt = 0, 0
        t_obs = time.perf_counter()
        obs = observe(page, screenshot=False)  # the screenshot is taken while the agent decides
        observe_ms = first_observe_ms = _ms(t_obs)
        max_steps = min(task.max_steps, settings.max_steps) if task.max_steps else settings.max_steps
        while True:
            if is_finished is not None and is_finished(page):
                break
            if index >= max_steps:
                error = f"step budget of {max_steps} used up"
                break
            if not control.wait_turn():
                status, error = "interrupted", "stopped by the user"
                break
            emit("step_started", index, attempt=attempt)
            timings = StepTimings(observe_ms=observe_ms)
            t_step = t0 = time.perf_counter()
            try:
                decision = _decide(agent, task, obs, history, page, pool)
            except EclairError as exc:
                error = f"step {index}: the agent could not decide ({exc})"
                break
            timings.decide_ms = _ms(t0)
            tokens_in += decision.usage.tokens_in
            tokens_out += decision.usage.tokens_out
            emit(
                "step_decided",
                index,
                action=decision.action.describe(),
                rationale=decision.rationale,
                expected=decision.expected_outcome,
            )

            repeats = loop.see(obs, decision)
            if repeats >= 3:
                looped = "loop: the same action on the same page three times"
                record = StepRecord(
                    index=index, attempt=attempt, observation=obs, decision=decision, timings=timings, feedback=looped
                )
                history.append(store.record_step(run_id, record, obs.screenshot))
                error = "loop"
                break

            action = decision.action
            if action.kind in ("done", "ask_human"):
                result = ActionResult(ok=True, located_by="none")
                record = StepRecord(
                    index=index, attempt=attempt, observation=obs, decision=decision, result=result, timings=timings
                )
                history.append(store.record_step(run_id, record, obs.screenshot))
                emit("step_finished", index, action=action.describe(), ok=True)
                if action.kind == "done":
                    said_done, answer = True, action.text
                else:
                    status, error = "needs_review", f"the agent asked: {action.text}"
                break

            verdict_gate: GateDecision = gate.check(action, obs)
            if not verdict_gate.allowed:
                refused = f"refused: {verdict_gate.reason}"
                record = StepRecord(
                    index=index, attempt=attempt, observation=obs, decision=decision, timings=timings, feedback=refused
                )
                history.append(store.record_step(run_id, record, obs.screenshot))
                emit("step_finished", index, action=action.describe(), ok=False, reason=verdict_gate.reason)
                attempt += 1
                if attempt > settings.max_retries:
                    error = f"step {index}: {verdict_gate.reason}"
                    break
                continue

            t0 = time.perf_counter()
            result, page, after = act_and_observe(page, guard.fill(action), downloads_dir=run_dir / "downloads")
            result = guard.after_act(result, run_dir)
            timings.act_ms = result.duration_ms  # the settle wait ends with the snapshot: observe_ms is the rest
            observe_ms = max(0.0, _ms(t0) - result.duration_ms)
            emit("step_acted", index, ok=result.ok, error=result.error)
            t0 = time.perf_counter()
            verdicts: list[Verdict] = []
            if critics is not None and critics.needs_pixels(obs, action, result, after):
                after.screenshot = capture(page)
            if critics is not None:
                verdicts = critics.check_step(obs, action, result, after, decision.expected_outcome, history)
            timings.validate_ms = _ms(t0)
            step_label = combine(verdicts) if verdicts else None
            failed = not result.ok or (step_label is not None and step_label.label == "fail")
            feedback = None
            if failed:
                reason = result.error if not result.ok else (step_label.reason if step_label else "")
                feedback = f"the last action ({action.describe()}) failed: {reason}"
            elif repeats == 2:
                feedback = "you repeated the same action on an unchanged page; choose a different action"
            emit(
                "step_validated",
                index,
                label=step_label.label if step_label else None,
                reason=step_label.reason if step_label else "",
            )
            record = StepRecord(
                index=index,
                attempt=attempt,
                observation=obs,
                decision=decision,
                result=result,
                verdicts=verdicts,
                timings=timings,
                feedback=feedback,
            )
            t0 = time.perf_counter()
            history.append(store.record_step(run_id, record, obs.screenshot))
            emit(
                "step_finished",
                index,
                action=action.describe(),
                ok=not failed,
                feedback=feedback,
                ms=sum((timings.observe_ms, timings.decide_ms, timings.act_ms, timings.validate_ms)),
                persist_ms=_ms(t0),
                # decide through the committed record, the next observation included (the run's first: in step 0)
                wall_ms=first_observe_ms + _ms(t_step),
                model_ms=decision.usage.model_ms,
                action_kind=action.kind,
                **timings.model_dump(),
            )
            obs, first_observe_ms = after, 0.0
            if failed:
                attempt += 1
                if attempt > settings.max_retries:
                    error = f"step {index} failed {attempt} times: {feedback}"
                    break
            else:
                index, attempt = index + 1, 0

        final = obs
        if final.screenshot is None:
            final.screenshot = capture(page)
        if critics is not None and status != "interrupted":
            checked = critics.verify(task, history, final, page) if said_done else []  # re-read the result
            for record in checked:
                store.record_step(run_id, record, None)
            task_verdicts = critics.check_task(task, [*history, *checked], final)
            label = critics.label_task(task_verdicts) if task_verdicts else None
            for verdict in [*task_verdicts, *([label] if label else [])]:
                store.add_verdict(run_id, verdict)
        if status not in ("interrupted", "needs_review"):
            status = _status_from(said_done or (is_finished is not None and error is None), error, label)
    except BaseException as exc:  # the run must be closed in the store whatever happened
        beating.close()
        status, error = ("interrupted", "interrupted") if isinstance(exc, KeyboardInterrupt) else ("failed", str(exc))
        store.finish_run(run_id, status, error=error, answer=answer)
        _stop_tracing(context, run_dir, tracing, guard)
        raise
    beating.close()
    _stop_tracing(context, run_dir, tracing, guard)
    store.finish_run(run_id, status, error=error, answer=answer)
    wall = _ms(started)
    emit("run_finished", None, status=status, error=error, label=label.label if label else None)
    return RunOutcome(
        run_id=run_id,
        status=status,
        answer=answer,
        steps=history,
        final=final,
        page=page,
        label=label,
        error=error,
        wall_ms=wall,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
    )


def _decide(
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


def _status_from(finished: bool, error: str | None, label: Verdict | None) -> RunStatus:
    """No ground truth here: a finished run is succeeded/failed by the critics' label, unsure goes to review."""
    if error or not finished:
        return "failed"
    if label is None or label.label == "unsure":
        return "needs_review"
    return "succeeded" if label.label == "pass" else "failed"


def _stop_tracing(context: Any, run_dir: Any, tracing: bool, guard: RunGuard) -> None:
    try:
        if tracing:
            context.tracing.stop(path=str(run_dir / "trace.zip"))
    except Exception as exc:  # a closed browser cannot write its trace; the steps are already stored
        log.warning("could not save trace.zip: %s", exc)
    finally:
        guard.finish(run_dir)  # trace.zip and downloads scrubbed before anyone can read them
        guard.detach(context)


def _emitter(run_id: str, sink: EventSink | None) -> Callable[..., None]:
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


def execute(
    task: Task,
    agent: Agent,
    settings: Settings,
    *,
    store: Store,
    critics: CriticPanel | None,
    backend_name: str = "",
    model_id: str = "",
    gate: Gate | None = None,
    on_event: EventSink | None = None,
    control: RunControl | None = None,
) -> RunOutcome:
    """Open the configured browser, go to the task's start URL and run the task there."""
    if not task.start_url:
        raise EclairError("the task has no start URL; pass --url URL")
    with browser_page(settings) as page:
        navigate(page, task.start_url)  # PageUnreachable: one clear line
        return run_task(
            task,
            agent,
            page,
            store=store,
            critics=critics,
            settings=settings,
            backend_name=backend_name,
            model_id=model_id,
            gate=gate,
            on_event=on_event,
            control=control,
        )
