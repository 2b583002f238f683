"""Review queue: runs waiting for a person, most uncertain first; a per-run view to approve, reject and label steps."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from eclair.errors import EclairError
from eclair.tui.formatting import (
    step_detail,
    step_label,
    styled_label,
    styled_status,
    target_name,
    verdict_lines,
    when,
)
from eclair.tui.review_queue import QueueEntry, bulk_approve_passed, runs_needing_review, write_review
from eclair.tui.widgets import ScreenshotView
from eclair.types import StepRecord

log = logging.getLogger(__name__)


class ReviewQueueScreen(Screen[None]):
    """The runs nobody has reviewed yet; enter opens one, b approves every run whose critics all passed."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("b", "bulk_approve", "Bulk-approve passed"),
        Binding("f5", "refresh_queue", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[QueueEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Runs needing review — most uncertain first", classes="field-title")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="queue-actions"):
            yield Button("Open (enter)", id="open")
            yield Button("Bulk-approve runs whose critics all passed (b)", variant="success", id="bulk")
        yield Static("", id="queue-message")
        yield Footer()

    def on_mount(self) -> None:
        self._app, self._store = self.app, self.app.store  # type: ignore[attr-defined]
        self.query_one("#queue", DataTable).add_columns(
            "run", "status", "critics", "uncertainty", "all pass", "task", "steps", "finished"
        )
        self.action_refresh_queue()

    def on_screen_resume(self) -> None:
        self.action_refresh_queue()

    def action_refresh_queue(self) -> None:
        self._load_queue(bulk_approve=False)

    @work(thread=True, exclusive=True, group="queue")
    def _load_queue(self, bulk_approve: bool) -> None:
        """A verdict query per run: seconds for a long history, so off the UI loop."""
        store = self._store
        try:
            approved = bulk_approve_passed(store) if bulk_approve else None
            entries = runs_needing_review(store)
        except EclairError as exc:
            self._app.call_from_thread(self._show_queue_error, str(exc))
            return
        self._app.call_from_thread(self._fill_queue, entries, approved)

    def _show_queue_error(self, message: str) -> None:
        self.query_one("#queue-message", Static).update(f"Cannot read the run store: {message}")

    def _fill_queue(self, entries: list[QueueEntry], approved: list[str] | None) -> None:
        self.entries = entries
        table = self.query_one("#queue", DataTable)
        table.clear()
        for entry in self.entries:
            run = entry.run
            table.add_row(
                run.id,
                styled_status(run.status),
                styled_label(entry.task_label),
                f"{entry.uncertainty:.2f}",
                "yes" if entry.all_passed else "no",
                run.task_text if len(run.task_text) <= 44 else run.task_text[:43] + "…",
                str(run.n_steps),
                when(run.finished_at),
                key=run.id,
            )
        passed = sum(e.all_passed for e in self.entries)
        self.query_one("#queue-message", Static).update(
            f"{len(self.entries)} run(s) waiting; {passed} with every critic passing."
            if self.entries
            else "Nothing to review."
        )
        if approved is not None:
            self.notify(f"approved {len(approved)} run(s) whose critics all passed")

    def _selected_run(self) -> str | None:
        table = self.query_one("#queue", DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def action_open(self) -> None:
        run_id = self._selected_run()
        if run_id:
            self.app.push_screen(RunReviewScreen(run_id))

    @on(DataTable.RowSelected, "#queue")
    def _row_selected(self) -> None:
        self.action_open()

    @on(Button.Pressed, "#open")
    def _open_pressed(self) -> None:
        self.action_open()

    @on(Button.Pressed, "#bulk")
    def _bulk_pressed(self) -> None:
        self.action_bulk_approve()

    def action_bulk_approve(self) -> None:
        self._load_queue(bulk_approve=True)


class RunReviewScreen(Screen[None]):
    """One run: each step's screenshot, action, rationale and verdicts; approve or reject with a note."""

    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("g", "label_step('good')", "Step good"),
        Binding("x", "label_step('bad')", "Step bad"),
        Binding("u", "label_step('')", "Unlabel"),
        Binding("a", "approve", "Approve run"),
        Binding("r", "reject", "Reject run"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.steps: list[StepRecord] = []
        self.step_labels: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-summary")
        with Horizontal(id="review-main"):
            with Vertical(id="review-left"):
                yield DataTable(id="review-steps", cursor_type="row", zebra_stripes=True)
                yield Label("Step", classes="pane-title")
                with VerticalScroll(id="detail-pane"):
                    yield Static("", id="step-detail")
            yield ScreenshotView(id="review-shot")
        with Horizontal(id="review-actions"):
            yield Input(placeholder="note (required to reject)", id="note")
            yield Button("Approve (a)", variant="success", id="approve")
            yield Button("Reject (r)", variant="error", id="reject")
        yield Static("", id="review-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#review-steps", DataTable)
        table.add_columns("step", "action", "target", "critics", "label")
        store = self.app.store  # type: ignore[attr-defined]
        try:
            run = store.get_run(self.run_id)
            self.steps = store.get_steps(self.run_id)
            verdicts = store.get_verdicts(self.run_id)
        except EclairError as exc:
            self.query_one("#review-summary", Static).update(f"[red]{exc}[/]")
            return
        task_verdicts = [v for index, v in verdicts if index is None]
        self.query_one("#review-summary", Static).update(
            f"Run {run.id} · {styled_status(run.status).markup} · {run.n_steps} step(s) · "
            f"agent {run.agent} · model {run.model or '—'}\n{run.task_text}\n"
            f"[b]Run critics[/b]\n{verdict_lines(task_verdicts)}"
            + (f"\n[red]error: {run.error}[/]" if run.error else "")
            + (f"\nanswer: {run.answer}" if run.answer else "")
        )
        for row, step in enumerate(self.steps):
            table.add_row(
                f"{step.index}" + (f".{step.attempt}" if step.attempt else ""),
                step.decision.action.describe(),
                target_name(step),
                styled_label(step_label(step)),
                "",
                key=str(row),
            )
        if self.steps:
            self.show_step(0)

    def show_step(self, row: int) -> None:
        step = self.steps[row]
        self.query_one("#step-detail", Static).update(step_detail(step))
        shot: Path | None = None
        if step.screenshot_path:
            shot = Path(self.app.store.traces_root) / step.screenshot_path  # type: ignore[attr-defined]
        self.query_one(ScreenshotView).show(shot, f"step {step.index} · {step.observation.url}")

    @on(DataTable.RowHighlighted, "#review-steps")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.steps):
            self.show_step(event.cursor_row)

    def action_label_step(self, label: str) -> None:
        table = self.query_one("#review-steps", DataTable)
        if not self.steps:
            return
        row = table.cursor_row
        index = self.steps[row].index
        if label:
            self.step_labels[index] = label
        else:
            self.step_labels.pop(index, None)
        # retries share a step index: the label applies to every attempt of it
        for other, step in enumerate(self.steps):
            if step.index == index:
                table.update_cell(str(other), table.ordered_columns[4].key, _styled_step_label(label))

    def _note(self) -> str:
        return self.query_one("#note", Input).value

    @on(Button.Pressed, "#approve")
    def action_approve(self) -> None:
        self._decide("approved")

    @on(Button.Pressed, "#reject")
    def action_reject(self) -> None:
        self._decide("rejected")

    def _decide(self, decision: Any) -> None:
        try:
            write_review(
                self.app.store,  # type: ignore[attr-defined]
                self.run_id,
                decision,
                note=self._note(),
                step_labels=dict(self.step_labels),
                reviewer="tui",
            )
        except EclairError as exc:
            message = self.query_one("#review-message", Static)
            message.update(str(exc))
            message.add_class("error")
            self.query_one("#note", Input).focus()
            return
        self.notify(f"run {self.run_id} {decision}")
        self.app.pop_screen()

    def action_back(self) -> None:
        self.app.pop_screen()


def _styled_step_label(label: str) -> Any:
    from rich.text import Text

    return Text(label, style={"good": "bold green", "bad": "bold red"}.get(label, ""))
