"""Home: describe a workflow (or pick a saved one), choose where it starts and who drives it, run; recent runs."""

from __future__ import annotations

import logging
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static, TextArea

from eclair.errors import EclairError
from eclair.tui.formatting import styled_label, styled_status, when
from eclair.tui.launch import (
    AGENTS,
    BACKENDS,
    FormError,
    PreparedRun,
    RunRequest,
    check_form,
    demo_workflow_ids,
    demo_workflow_text,
    prepare_run,
)

log = logging.getLogger(__name__)

FIELD_WIDGETS = {
    "description": "#description",
    "start": "#start-url",
    "agent": "#agent",
    "backend": "#backend",
    "model": "#model",
}


class HomeScreen(Screen[None]):
    """The form to start a run and the list of recent runs."""

    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("ctrl+r", "run", "Run"),
        Binding("f5", "refresh_runs", "Refresh"),
        Binding("ctrl+o", "open_run", "Open run"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.app.settings  # type: ignore[attr-defined]
        yield Header()
        with Vertical(id="form"):
            yield Label("Describe the workflow in plain words", classes="field-title")
            yield TextArea(id="description", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="form-row"):
                yield Select[str]([], prompt="saved workflow…", id="saved-workflow", allow_blank=True)
                yield Select[str](
                    [(f"demo: {w}", w) for w in demo_workflow_ids()],
                    prompt="…or a demo app",
                    id="demo",
                    allow_blank=True,
                )
                yield Input(placeholder="start URL, e.g. http://localhost:8000/", id="start-url")
            with Horizontal(classes="form-row"):
                yield Select[str]([(a, a) for a in AGENTS], value=_pick(settings.agent, AGENTS), id="agent")
                yield Select[str]([(b, b) for b in BACKENDS], value=_pick(settings.backend, BACKENDS), id="backend")
                yield Input(value=settings.model or "", placeholder="model (empty: embedded)", id="model")
                yield Button("Run", variant="primary", id="run")
            yield Static("", id="form-message")
        yield Label("Recent runs  (enter or ctrl+o opens one)", classes="field-title")
        yield DataTable(id="recent-runs", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._app, self._store = self.app, self.app.store  # type: ignore[attr-defined]
        table = self.query_one("#recent-runs", DataTable)
        table.add_columns("run", "status", "critics", "review", "task", "agent", "steps", "started")
        self.refresh_workflows()
        self.action_refresh_runs()
        self.set_interval(3.0, self.action_refresh_runs)

    def on_screen_resume(self) -> None:
        self.action_refresh_runs()

    # recent runs -----------------------------------------------------------------------------------------------
    def action_refresh_runs(self) -> None:
        self._load_runs()

    @work(thread=True, exclusive=True, group="recent-runs")
    def _load_runs(self) -> None:
        """Read the recent runs off the UI loop (a remote or busy database may take a while)."""
        try:
            runs = self._store.list_runs(limit=30)
        except EclairError as exc:
            self._app.call_from_thread(self.show_message, f"Cannot read the run store: {exc}", error=True)
            return
        self._app.call_from_thread(self._fill_runs, runs)

    def _fill_runs(self, runs: list[Any]) -> None:
        table = self.query_one("#recent-runs", DataTable)
        cursor = table.cursor_row
        table.clear()
        for run in runs:
            task = run.task_text if len(run.task_text) <= 48 else run.task_text[:47] + "…"
            table.add_row(
                run.id,
                styled_status(run.status),
                styled_label(run.label),
                run.review or "—",
                task,
                run.agent,
                str(run.n_steps),
                when(run.started_at or run.created_at),
                key=run.id,
            )
        if runs:
            table.move_cursor(row=min(cursor, len(runs) - 1))

    def refresh_workflows(self) -> None:
        try:
            workflows = self.app.store.list_workflows()  # type: ignore[attr-defined]
        except EclairError as exc:
            log.warning("cannot list workflows: %s", exc)
            return
        self.query_one("#saved-workflow", Select).set_options([(w.name, w.name) for w in workflows])

    @on(DataTable.RowSelected, "#recent-runs")
    def _open_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self._open(event.row_key.value)

    def action_open_run(self) -> None:
        table = self.query_one("#recent-runs", DataTable)
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            if row_key.value:
                self._open(row_key.value)

    def _open(self, run_id: str) -> None:
        from eclair.tui.live import LiveRunScreen

        self.app.push_screen(LiveRunScreen(run_id=run_id))

    # the form --------------------------------------------------------------------------------------------------
    @on(Select.Changed, "#saved-workflow")
    def _saved_picked(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        workflow = self.app.store.get_workflow(str(event.value))  # type: ignore[attr-defined]
        if workflow is None:
            return
        self.query_one("#description", TextArea).text = workflow.description
        if workflow.start_url:
            self.query_one("#start-url", Input).value = workflow.start_url

    @on(Select.Changed, "#demo")
    def _demo_picked(self, event: Select.Changed) -> None:
        description = self.query_one("#description", TextArea)
        if event.value is not Select.NULL and not description.text.strip():
            description.text = demo_workflow_text(str(event.value))

    def read_form(self) -> RunRequest:
        def value(selector: str) -> str:
            picked = self.query_one(selector, Select).value
            return "" if picked is Select.NULL else str(picked)

        return RunRequest(
            description=self.query_one("#description", TextArea).text,
            start_url=self.query_one("#start-url", Input).value.strip(),
            demo_workflow=value("#demo"),
            workflow=value("#saved-workflow"),
            agent=value("#agent") or "scoring",
            backend=value("#backend") or "local",
            model=self.query_one("#model", Input).value.strip(),
        )

    def show_message(self, text: str, *, error: bool = False, field: str | None = None) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.set_class(error, "error")
        message.set_class(not error and bool(text), "info")
        for name, selector in FIELD_WIDGETS.items():
            self.query_one(selector).set_class(name == field, "invalid")

    @on(Button.Pressed, "#run")
    def _run_pressed(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        request = self.read_form()
        try:
            check_form(request)
        except FormError as exc:
            self.show_message(str(exc), error=True, field=exc.field)
            return
        self.query_one("#run", Button).disabled = True
        self.show_message("Checking the start page and loading the model…")
        self._prepare(request)

    @work(thread=True, exclusive=True, group="prepare")
    def _prepare(self, request: RunRequest) -> None:
        """Reachability check and model loading block for seconds: off the UI loop."""
        settings = self.app.settings  # type: ignore[attr-defined]
        try:
            prepared = prepare_run(request, settings)
        except FormError as exc:
            self.app.call_from_thread(self._prepare_failed, str(exc), exc.field)
            return
        except EclairError as exc:
            self.app.call_from_thread(self._prepare_failed, str(exc), None)
            return
        except Exception as exc:  # an internal bug: say so on the form, details in the log
            log.exception("preparing the run failed")
            self.app.call_from_thread(self._prepare_failed, f"Internal error: {type(exc).__name__}: {exc}", None)
            return
        self.app.call_from_thread(self._start_live, prepared)

    def _prepare_failed(self, message: str, field: str | None) -> None:
        self.query_one("#run", Button).disabled = False
        self.show_message(message, error=True, field=field)

    def _start_live(self, prepared: PreparedRun) -> None:
        from eclair.tui.live import LiveRunScreen

        self.query_one("#run", Button).disabled = False
        self.show_message("")
        self.app.push_screen(LiveRunScreen(prepared=prepared))


def _pick(value: Any, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]
