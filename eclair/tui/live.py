"""Live run: the step list grows as the runner reports; pause, resume, stop, step once; the gate's approval modal.

A run started here executes in a thread worker and reports through RunEvents; a run started elsewhere
(`eclair watch ID`, or a recent run opened from Home) is followed by polling the store.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, RichLog, Static
from textual.worker import get_current_worker

from eclair.errors import EclairError
from eclair.tui.formatting import step_detail, step_row, styled_label, styled_status
from eclair.tui.human import TuiDesk
from eclair.tui.launch import PreparedRun, execute_prepared
from eclair.tui.widgets import ApprovalModal, ScreenshotView
from eclair.types import Action, Observation, RunEvent, StepRecord

log = logging.getLogger(__name__)

ACTIVE = ("pending", "running")


class LiveRunScreen(Screen[None]):
    """Follow one run: launched here (`prepared`) or watched from the store (`run_id`)."""

    CSS_PATH = "live.tcss"
    BINDINGS = [
        Binding("p", "pause", "Pause"),
        Binding("r", "resume", "Resume"),
        Binding("n", "step_once", "Step once"),
        Binding("s", "stop", "Stop"),
        Binding("t", "take_over", "Take over"),
        Binding("v", "review", "Review run"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, *, prepared: PreparedRun | None = None, run_id: str | None = None) -> None:
        super().__init__()
        if (prepared is None) == (run_id is None):
            raise ValueError("LiveRunScreen needs exactly one of prepared or run_id")
        self.prepared = prepared
        self.run_id = run_id or ""
        self.steps: list[StepRecord] = []
        self.status = "pending"
        self.label: str | None = None
        self.task_text = prepared.request.description if prepared else ""
        self.control: Any = None
        self.paused = False
        self.finished = False
        self.error: str | None = None
        self._app: Any = None  # the app and store, fetched on the UI thread: workers must not look them up
        self._store: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("starting…", id="run-status")
        with Horizontal(id="live-main"):
            with Vertical(id="live-left"):
                yield DataTable(id="steps", cursor_type="row", zebra_stripes=True)
                yield Label("Rationale and expected outcome", classes="pane-title")
                yield Static("waiting for the agent…", id="reasoning")
            with Vertical(id="live-right"):
                yield ScreenshotView(id="screenshot")
                yield Label("Observation", classes="pane-title")
                with VerticalScroll(id="observation-pane"):
                    yield Static("", id="observation")
        yield RichLog(id="log", wrap=True, markup=False, max_lines=500)
        yield Footer()

    def on_mount(self) -> None:
        self._app, self._store = self.app, self.app.store  # type: ignore[attr-defined]
        self.query_one("#steps", DataTable).add_columns("step", "action", "target", "verdict", "time")
        if self.prepared is not None:
            from eclair.runner import RunControl

            self.control = RunControl()
            self.status = "running"
            self.write_log(f"starting: {self.task_text.strip()[:120]}")
            self._execute()
        else:
            self.write_log(f"watching run {self.run_id} from the store")
            self._poll_store(self.run_id)
        self.render_status()

    def on_unmount(self) -> None:
        if self.control is not None and not self.finished:
            self.control.stop()  # leaving the screen ends the run after its current step

    # workers ---------------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="run")
    def _execute(self) -> None:
        """Execute the run in this thread; Playwright's sync API must not run on the UI loop."""
        assert self.prepared is not None
        store = self._store
        try:
            outcome = execute_prepared(
                self.prepared, store, on_event=self._on_runner_event, control=self.control, gate=self._make_gate()
            )
            run = store.get_run(outcome.run_id)
            self._post(self._apply_snapshot, run, store.get_steps(outcome.run_id), True)
        except EclairError as exc:
            self._post(self._run_failed, str(exc))
        except Exception as exc:  # an internal bug: shown on screen in one line, traceback in the log
            log.exception("the run crashed")
            self._post(self._run_failed, f"internal error: {type(exc).__name__}: {exc}")

    @work(thread=True, exclusive=True, group="run")
    def _poll_store(self, run_id: str) -> None:
        """Follow a run started elsewhere by re-reading it from the store until it ends."""
        store = self._store
        worker = get_current_worker()
        seen: tuple[Any, ...] = ()
        while not worker.is_cancelled:
            try:
                run = store.get_run(run_id)
                steps = store.get_steps(run_id)
            except EclairError as exc:
                self._post(self._run_failed, str(exc))
                return
            state = (run.status, run.label, run.n_attempts, len(steps))
            done = run.status not in ACTIVE
            if state != seen:
                seen = state
                self._post(self._apply_snapshot, run, steps, done)
            if done:
                return
            time.sleep(self._app.poll_s)

    def _post(self, callback: Any, *args: Any) -> None:
        """Hand work to the UI thread; a closed app just drops it."""
        try:
            self._app.call_from_thread(callback, *args)
        except RuntimeError:
            log.debug("UI gone; dropped %s", getattr(callback, "__name__", callback))

    def _on_runner_event(self, event: RunEvent) -> None:
        """Runs in the worker thread: read what the step wrote to the store here, not on the UI loop."""
        steps = None
        if event.kind in ("run_started", "step_finished", "takeover_finished", "run_finished"):
            steps = self._store.get_steps(event.run_id)
        self._post(self._apply_event, event, steps)

    def _make_gate(self) -> Any:
        from eclair.security.gate import Gate
        from eclair.security.risk import approval_rule
        from eclair.types import Task

        settings = self.prepared.settings if self.prepared else self._app.settings
        policy = approval_rule(settings.approve, Task(text=self.task_text))  # eclair.toml's `approve = [...]`
        stopped = lambda: self.control is not None and self.control.stopped  # noqa: E731
        return Gate(
            settings.allowed_domains,
            approver=self._ask_approval,
            needs_approval=self._app.needs_approval or policy,
            approve_all=settings.approve_all,
            human=TuiDesk(self._app, self._post, stopped, headed=not settings.headless),
            ask_when_unsure=settings.ask_when_unsure,
        )

    def _ask_approval(self, action: Action, obs: Observation, why: str) -> bool:
        """Called by the gate in the worker thread: show the modal and block the run until the person answers."""
        answered = threading.Event()
        answer = {"ok": False}

        def record(result: bool | None) -> None:
            answer["ok"] = bool(result)
            answered.set()

        def show() -> None:
            self.write_log(f"approval needed: {action.describe()} ({why})")
            self._app.push_screen(ApprovalModal(action.describe(), why, obs.url), callback=record)

        self._post(show)
        while not answered.wait(0.2):
            if self.control is not None and self.control.stopped:
                return False
        self._post(self.write_log, "approved" if answer["ok"] else "denied")
        return answer["ok"]

    # UI-thread updates -----------------------------------------------------------------------------------------
    def _apply_event(self, event: RunEvent, steps: list[StepRecord] | None) -> None:
        self.run_id = event.run_id
        data = event.data
        if event.kind == "run_started":
            self.status = "running"
            self.task_text = str(data.get("task", self.task_text))
        elif event.kind == "step_decided":
            self.query_one("#reasoning", Static).update(
                f"Step {event.step}: {data.get('action', '')}\n"
                f"Rationale: {data.get('rationale') or '—'}\nExpected:  {data.get('expected') or '—'}"
            )
        elif event.kind == "run_finished":
            self.status = str(data.get("status", self.status))
            self.label = data.get("label")
            self.error = data.get("error")
        self.write_log(_event_line(event))
        if steps is not None:
            self._show_steps(steps)
        self.render_status()

    def _apply_snapshot(self, run: Any, steps: list[StepRecord], done: bool) -> None:
        self.run_id = run.id
        self.status, self.label, self.error = run.status, run.label, run.error
        self.task_text = run.task_text
        self._show_steps(steps)
        if done and not self.finished:
            self.finished = True
            self.write_log(f"run {run.id} finished: {run.status}" + (f" ({run.error})" if run.error else ""))
        self.render_status()

    def _run_failed(self, message: str) -> None:
        self.finished = True
        self.status = "failed" if self.run_id else "error"
        self.error = message
        self.write_log(f"error: {message}")
        self.render_status()

    def _show_steps(self, steps: list[StepRecord]) -> None:
        table = self.query_one("#steps", DataTable)
        follow = table.cursor_row >= table.row_count - 1
        for step in steps[len(self.steps) :]:
            table.add_row(*step_row(step))
        self.steps = list(steps)
        if steps and follow:
            table.move_cursor(row=len(steps) - 1)
            self.show_step(steps[-1])

    def show_step(self, step: StepRecord) -> None:
        self.query_one("#reasoning", Static).update(step_detail(step))
        self.query_one("#observation", Static).update(step.observation.text or "(empty observation)")
        shot: Path | None = None
        if step.screenshot_path:
            shot = Path(self.app.store.traces_root) / step.screenshot_path  # type: ignore[attr-defined]
        self.query_one(ScreenshotView).show(shot, f"step {step.index} · {step.observation.url}")

    @on(DataTable.RowHighlighted, "#steps")
    def _step_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.steps):
            self.show_step(self.steps[event.cursor_row])

    def render_status(self) -> None:
        parts = [f"Run {self.run_id or '…'}", styled_status(self.status).markup]
        if self.paused and not self.finished:
            parts.append("[bold yellow]PAUSED[/]")
        parts.append(f"{len(self.steps)} step(s)")
        if self.label:
            parts.append(f"critics: {styled_label(self.label).markup}")
        if self.error:
            parts.append(f"[red]{self.error}[/]")
        task = self.task_text.strip().replace("\n", " ")
        line = " · ".join(parts)
        self.query_one("#run-status", Static).update(f"{line}\n[dim]{task[:160]}[/]")

    def write_log(self, line: str) -> None:
        self.query_one("#log", RichLog).write(f"{datetime.now():%H:%M:%S} {line}")

    # keys ------------------------------------------------------------------------------------------------------
    def _controllable(self) -> bool:
        if self.control is None:
            self.notify("This run was started elsewhere; it can only be watched here.", severity="warning")
            return False
        if self.finished:
            self.notify("The run has finished.")
            return False
        return True

    def action_pause(self) -> None:
        if self._controllable():
            self.control.pause()
            self.paused = True
            self.write_log("paused (after the current step)")
            self.render_status()

    def action_resume(self) -> None:
        if self._controllable():
            self.control.resume()
            self.paused = False
            self.write_log("resumed")
            self.render_status()

    def action_step_once(self) -> None:
        if self._controllable():
            self.control.step_once()
            self.paused = True
            self.write_log("one step, then pause")
            self.render_status()

    def action_stop(self) -> None:
        if self._controllable():
            self.control.stop()
            self.paused = False
            self.write_log("stopping after the current step…")
            self.render_status()

    def action_take_over(self) -> None:
        settings = self.prepared.settings if self.prepared else self._app.settings
        if not self._controllable():
            return
        if settings.headless:
            self.notify("Taking over needs a visible browser: start the run with --headed.")
            return
        self.control.request_takeover()
        self.write_log("the browser is handed to you before the next step…")

    def action_review(self) -> None:
        if not self.finished or not self.run_id:
            self.notify("Review a run once it has finished.")
            return
        from eclair.tui.review import RunReviewScreen

        self.app.push_screen(RunReviewScreen(self.run_id))

    def action_back(self) -> None:
        if self.control is not None and not self.finished:
            self.notify("The run is still going: stop it (s) before leaving.", severity="warning")
            return
        self.app.pop_screen()


def _event_line(event: RunEvent) -> str:
    data = event.data
    step = f"step {event.step} " if event.step is not None else ""
    if event.kind == "step_decided":
        return f"{step}decided: {data.get('action', '')}"
    if event.kind == "step_acted":
        return f"{step}acted: {'ok' if data.get('ok') else 'error ' + str(data.get('error'))}"
    if event.kind == "step_validated":
        return f"{step}critics: {data.get('label') or '—'} {data.get('reason') or ''}".rstrip()
    if event.kind == "step_finished":
        extra = data.get("feedback") or data.get("reason") or ""
        return f"{step}finished: {'ok' if data.get('ok') else 'failed'} {extra}".rstrip()
    if event.kind == "run_finished":
        return f"run finished: {data.get('status')}" + (f" ({data['error']})" if data.get("error") else "")
    if event.kind == "log":
        return str(data.get("message", ""))
    return f"{step}{event.kind.replace('_', ' ')}"
