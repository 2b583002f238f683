"""The loop: observe → decide (agent) → gate → act → validate (critics) → persist, one committed step at a time.

The runner receives a RunSpec (eclair.assemble.build_run makes it); it never imports a concrete agent. It never
sees a checker or a reward: an environment may say its episode is over (`spec.is_finished`), but success is judged
afterwards, elsewhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import TYPE_CHECKING

from eclair.browser import act_and_observe, capture, navigate, observe
from eclair.config import Settings
from eclair.control import RunControl
from eclair.critics import combine
from eclair.errors import EclairError
from eclair.models.base import ModelUnavailable
from eclair.run_end import RESUME_HINT, PageCrashed, RunInterrupted, run_end_for
from eclair.run_outcome import LoopWatch, RunOutcome, ms_since, status_from
from eclair.runner_human import PersonAtRun
from eclair.runner_io import (
    EventSink,
    browser_page,
    decide,
    emitter,
    keep_earlier_trace,
    next_step_after,
    salvage_trace,
    start_tracing,
    stop_tracing,
    watch_crashes,
)
from eclair.runspec import Limits, RunSpec
from eclair.security.guard import RunGuard
from eclair.store import Store
from eclair.types import ActionResult, Decision, Observation, RunStatus, StepRecord, StepTimings, Verdict

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)

__all__ = ["EventSink", "Limits", "RunControl", "RunOutcome", "RunSpec", "browser_page", "execute", "run_task"]


def run_task(
    spec: RunSpec,
    page: Page,
    *,
    store: Store,
    on_event: EventSink | None = None,
    control: RunControl | None = None,
    resume_id: str | None = None,
) -> RunOutcome:
    """Run `spec` on an open page until the agent is done, the budget runs out, or the run is stopped.

    `resume_id`: continue that run after its last committed step (the page already positioned, see eclair.resume),
    appending steps to it."""
    task = spec.task
    guard = spec.guard or RunGuard.for_task(task)  # secrets: typed when acting, masked in every sink
    store, on_event = guard.store(store), guard.sink(on_event)
    if resume_id is None:
        run_id = store.create_run(task, agent=spec.agent.name, backend=spec.backend_name, model=spec.model_id).id
    else:
        run_id = resume_id
    run = _Run(spec, page, store, run_id, emitter(run_id, on_event), control or RunControl(), guard)
    context = page.context
    run.crashed = watch_crashes(context)
    if resume_id is not None:
        run.continue_after(store.get_steps(run_id))
        if salvage_trace(run.run_dir):  # the process that ran it died: its raw trace becomes the earlier part
            guard.finish(run.run_dir)
        keep_earlier_trace(run.run_dir)
    start_tracing(context, run_id, spec.tracing, guard)
    store.start_run(run_id, resumed=resume_id is not None)
    guard.attach(context, allowed_domains=spec.gate.allowed_domains)
    beating = ExitStack()
    beating.enter_context(guard.logs())
    beating.enter_context(store.keep_alive(run_id))  # long model calls must not look like a dead process
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eclair-decide")
    beating.callback(pool.shutdown, wait=False)
    run.emit("run_started", None, task=task.text, url=page.url)
    try:
        run.drive(pool)
    except BaseException as exc:  # the run must be closed in the store whatever happened
        beating.close()
        status, error = run_end_for(exc, run_id)
        store.finish_run(run_id, status, error=error, answer=run.answer)
        stop_tracing(context, run.run_dir, spec.tracing, guard)
        if status == "interrupted" and isinstance(exc, Exception):  # one clear line, not a traceback
            raise RunInterrupted(f"run {run_id} interrupted: {error}") from exc
        raise
    beating.close()
    stop_tracing(context, run.run_dir, spec.tracing, guard)
    store.finish_run(run_id, run.status, error=run.error, answer=run.answer)
    run.emit("run_finished", None, status=run.status, error=run.error, label=run.label.label if run.label else None)
    return run.outcome()


class _Run:
    """One run's state while it steps; `_write` is the one place a step record is stored."""

    def __init__(
        self,
        spec: RunSpec,
        page: Page,
        store: Store,
        run_id: str,
        emit: Callable[..., None],
        control: RunControl,
        guard: RunGuard,
    ) -> None:
        self.guard = guard
        self.spec, self.task, self.page, self.store, self.run_id = spec, spec.task, page, store, run_id
        self.emit, self.control = emit, control
        self.run_dir = store.run_dir(run_id)
        self.started = time.perf_counter()
        self.loop = LoopWatch()
        self.history: list[StepRecord] = []
        self.status: RunStatus = "failed"
        self.error: str | None = None
        self.answer: str | None = None
        self.said_done = False
        self.label: Verdict | None = None
        self.tokens_in = self.tokens_out = 0
        self.index = self.attempt = 0
        self.obs: Observation | None = None
        self.crashed: list[str] = []  # the URLs of pages whose renderer died (watch_crashes)
        self.observe_ms = self.first_observe_ms = 0.0
        self.person = PersonAtRun(spec.gate, guard.masker.secrets)

    def continue_after(self, committed: list[StepRecord]) -> None:
        """Take up a stored run: its committed steps are the agent's history; the next step follows the last one."""
        self.history = list(committed)
        self.index, self.attempt = next_step_after(committed)

    def drive(self, pool: ThreadPoolExecutor) -> None:
        """Open the start page, step until something stops the run, then let the critics label it."""
        if self.spec.start and self.page.url in ("", "about:blank"):
            self.page.goto(self.spec.start)
        self.spec.agent.begin(self.task)
        t_obs = time.perf_counter()
        self.obs = observe(self.page, screenshot=False)  # the screenshot is taken while the agent decides
        self.observe_ms = self.first_observe_ms = ms_since(t_obs)
        while self._step(pool):
            pass
        self._judge()

    def _stop_reason(self) -> bool:
        """True when the run must not take another step (sets status/error when that is a failure)."""
        if self.spec.is_finished is not None and self.spec.is_finished(self.page):
            return True
        if self.index >= self.spec.limits.max_steps:
            self.error = f"step budget of {self.spec.limits.max_steps} used up"
            return True
        if not self.control.wait_turn():
            self.status, self.error = "interrupted", "stopped by the user"
            return True
        return False

    def _step(self, pool: ThreadPoolExecutor) -> bool:
        """Decide, gate and act once; False when the run is over."""
        assert self.obs is not None
        if self.crashed:
            raise PageCrashed(f"the page crashed (its renderer process died) on {self.crashed[0]}")
        if self._stop_reason():
            return False
        if self.person.takeover_due(self.control):
            self._take_over()  # asked for with the TUI's key, or in the answer to a question
        self.emit("step_started", self.index, attempt=self.attempt)
        timings = StepTimings(observe_ms=self.observe_ms)
        t_step = t0 = time.perf_counter()
        try:
            decision = decide(self.spec.agent, self.task, self.obs, self.history, self.page, pool)
        except EclairError as exc:
            self.error = f"step {self.index}: the agent could not decide ({exc})"
            if isinstance(exc, ModelUnavailable):  # nothing wrong with the run: it can go on later
                self.status, self.error = "interrupted", f"{self.error}; {RESUME_HINT.format(run_id=self.run_id)}"
            return False
        timings.decide_ms = ms_since(t0)
        self.tokens_in += decision.usage.tokens_in
        self.tokens_out += decision.usage.tokens_out
        action = decision.action
        self.emit(
            "step_decided",
            self.index,
            action=action.describe(),
            rationale=decision.rationale,
            expected=decision.expected_outcome,
        )
        repeats = self.loop.see(self.obs, decision)
        if repeats >= 3:
            self._commit(decision, timings, feedback="loop: the same action on the same page three times")
            self.error = "loop"
            return False
        if action.kind == "ask_human":
            return self._agent_asks(decision, timings)
        if action.kind == "done":
            self._commit(decision, timings, result=ActionResult(ok=True, located_by="none"))
            self.emit("step_finished", self.index, action=action.describe(), ok=True)
            self.said_done, self.answer = True, action.text
            return False
        gate = self.spec.gate.check(action, self.obs)
        if not gate.allowed:
            self._commit(decision, timings, feedback=f"refused: {gate.reason}")
            self.emit("step_finished", self.index, action=action.describe(), ok=False, reason=gate.reason)
            return self._retry(f"step {self.index}: {gate.reason}")
        return self._act(decision, timings, repeats, t_step)

    def _act(self, decision: Decision, timings: StepTimings, repeats: int, t_step: float) -> bool:
        """Execute an allowed action, check the step with the critics, commit it; False when the run is over."""
        assert self.obs is not None
        action, critics = decision.action, self.spec.critics
        t0 = time.perf_counter()
        result, self.page, after = act_and_observe(
            self.page, self.guard.fill(action), downloads_dir=self.run_dir / "downloads"
        )
        result = self.guard.after_act(result, self.run_dir)
        timings.act_ms = result.duration_ms  # the settle wait ends with the snapshot: observe_ms is the rest
        self.observe_ms = max(0.0, ms_since(t0) - result.duration_ms)
        self.emit("step_acted", self.index, ok=result.ok, error=result.error)
        t0 = time.perf_counter()
        verdicts: list[Verdict] = []
        if critics is not None and critics.needs_pixels(self.obs, action, result, after):
            after.screenshot = capture(self.page)
        if critics is not None:
            verdicts = critics.check_step(self.obs, action, result, after, decision.expected_outcome, self.history)
        timings.validate_ms = ms_since(t0)
        step_label = combine(verdicts) if verdicts else None
        if step_label is not None and step_label.label == "unsure" and result.ok and self.person.ask_when_unsure:
            ruling = self.person.settle_step(action.describe(), step_label, after.url)
            if ruling is None:
                self._commit(decision, timings, result=result, verdicts=verdicts)
                self.status, self.error = "needs_review", self.person.stop_reason
                return False
            verdicts, step_label = [*verdicts, ruling], ruling
        failed = not result.ok or (step_label is not None and step_label.label == "fail")
        feedback = None
        if failed:
            reason = result.error if not result.ok else (step_label.reason if step_label else "")
            feedback = f"the last action ({action.describe()}) failed: {reason}"
        elif repeats == 2:
            feedback = "you repeated the same action on an unchanged page; choose a different action"
        self.emit(
            "step_validated",
            self.index,
            label=step_label.label if step_label else None,
            reason=step_label.reason if step_label else "",
        )
        t0 = time.perf_counter()
        self._commit(decision, timings, result=result, verdicts=verdicts, feedback=feedback)
        self.emit(
            "step_finished",
            self.index,
            action=action.describe(),
            ok=not failed,
            feedback=feedback,
            ms=sum((timings.observe_ms, timings.decide_ms, timings.act_ms, timings.validate_ms)),
            persist_ms=ms_since(t0),
            # decide through the committed record, the next observation included (the run's first: in step 0)
            wall_ms=self.first_observe_ms + ms_since(t_step),
            model_ms=decision.usage.model_ms,
            action_kind=action.kind,
            **timings.model_dump(),
        )
        self.obs, self.first_observe_ms = after, 0.0
        if failed:
            return self._retry(f"step {self.index} failed {self.attempt + 1} times: {feedback}")
        self.index, self.attempt = self.index + 1, 0
        return True

    def _agent_asks(self, decision: Decision, timings: StepTimings) -> bool:
        """The agent's ask_human: the person's answer is its next step's feedback; nobody here: stop for review."""
        reply, answer = self.person.answer_agent(decision.action.text or "", self.page.url)
        self._commit(decision, timings, result=ActionResult(ok=True, located_by="none"), feedback=answer)
        self.emit("step_finished", self.index, action=decision.action.describe(), ok=True, feedback=answer)
        if reply is None:
            self.status, self.error = "needs_review", self.person.stop_reason
            return False
        self.index, self.attempt = self.index + 1, 0
        return True

    def _take_over(self) -> None:
        """The person drives the browser until they hand it back; their actions are committed as steps."""
        self.emit("takeover_started", self.index)
        write = lambda record, png: self._write(record, png, seen_by_agent=True)  # noqa: E731
        self.page, self.index = self.person.take_over(self.page, write, self.index)
        self.obs, self.attempt = observe(self.page, screenshot=False), 0
        self.emit("takeover_finished", self.index)

    def _retry(self, error: str) -> bool:
        """Count a failed attempt at this step; False (with `error`) once the retries are used up."""
        self.attempt += 1
        if self.attempt > self.spec.limits.max_retries:
            self.error = error
            return False
        return True

    def _commit(
        self,
        decision: Decision,
        timings: StepTimings,
        *,
        result: ActionResult | None = None,
        verdicts: list[Verdict] | None = None,
        feedback: str | None = None,
    ) -> None:
        """This attempt's step record, stored before anything else happens; the agent sees it next."""
        assert self.obs is not None
        record = StepRecord(
            index=self.index,
            attempt=self.attempt,
            observation=self.obs,
            decision=decision,
            result=result,
            verdicts=verdicts or [],
            timings=timings,
            feedback=feedback,
        )
        self._write(record, self.obs.screenshot, seen_by_agent=True)

    def _write(self, record: StepRecord, screenshot: bytes | None, *, seen_by_agent: bool) -> None:
        """The one place a step record is stored (row and files), before anything else happens."""
        saved = self.store.record_step(self.run_id, record, screenshot)
        if seen_by_agent:
            self.history.append(saved)

    def _judge(self) -> None:
        """Label the finished run with the task critics, and set its status from that label."""
        assert self.obs is not None
        if self.obs.screenshot is None:
            self.obs.screenshot = capture(self.page)
        critics = self.spec.critics
        if critics is not None and self.status != "interrupted":
            checked = critics.verify(self.task, self.history, self.obs, self.page) if self.said_done else []
            for record in checked:  # the verifier's re-read of the result: stored, not part of the agent's history
                self._write(record, None, seen_by_agent=False)
            task_verdicts = critics.check_task(self.task, [*self.history, *checked], self.obs)
            self.label = critics.label_task(task_verdicts) if task_verdicts else None
            if self.label is not None and self.label.label == "unsure" and self.person.ask_when_unsure:
                self.label = self.person.settle_result(self.task.text, self.label, self.obs.url)
            for verdict in [*task_verdicts, *([self.label] if self.label else [])]:
                self.store.add_verdict(self.run_id, verdict)
        if self.status not in ("interrupted", "needs_review"):
            finished = self.said_done or (self.spec.is_finished is not None and self.error is None)
            self.status = status_from(finished, self.error, self.label)
            if self.status == "needs_review" and not self.error and self.person.stop_reason:
                self.error = self.person.stop_reason  # why nobody settled it

    def outcome(self) -> RunOutcome:
        assert self.obs is not None
        return RunOutcome(
            run_id=self.run_id,
            status=self.status,
            answer=self.answer,
            steps=self.history,
            final=self.obs,
            page=self.page,
            label=self.label,
            error=self.error,
            wall_ms=ms_since(self.started),
            tokens_in=self.tokens_in,
            tokens_out=self.tokens_out,
        )


def execute(
    spec: RunSpec,
    settings: Settings,
    *,
    store: Store,
    on_event: EventSink | None = None,
    control: RunControl | None = None,
) -> RunOutcome:
    """Open the configured browser, go to the spec's start URL and run it there."""
    if not spec.start:
        raise EclairError("the task has no start URL; pass --url URL")
    with browser_page(settings) as page:
        navigate(page, spec.start)  # PageUnreachable: one clear line
        return run_task(spec, page, store=store, on_event=on_event, control=control)
