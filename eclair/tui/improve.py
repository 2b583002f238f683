"""Improve: improvement rounds with their metrics, training activity, and which model version is promoted."""

from __future__ import annotations

import logging
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Sparkline, Static

from eclair.errors import EclairError
from eclair.tui.formatting import when

log = logging.getLogger(__name__)

# round metrics as eclair.learn writes them (RoundMetrics); the first name present is shown
METRIC_COLUMNS: dict[str, tuple[str, ...]] = {
    "held-out before": ("heldout_before", "success_before"),
    "held-out after": ("heldout_after", "success_after"),
    "rollout success": ("rollout_success",),
    "pass@K": ("pass_at_k",),
    "dataset": ("dataset_size",),
    "DPO pairs": ("dpo_pairs",),
    "critic precision": ("critic_precision",),
    "temp": ("temperature",),
    "train s": ("train_seconds",),
}


def metric(metrics: dict[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        if name in metrics and metrics[name] is not None:
            value = metrics[name]
            if isinstance(value, float):
                return f"{value:.2f}"
            return str(value)
    return "—"


class ImproveScreen(Screen[None]):
    """Read-only view of the learning loop, refreshed every two seconds while a round runs elsewhere."""

    CSS_PATH = "improve.tcss"
    BINDINGS = [Binding("f5", "refresh_improve", "Refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="promoted")
        yield Label("Improvement rounds", classes="field-title")
        yield DataTable(id="rounds", cursor_type="row", zebra_stripes=True)
        yield Static("", id="curve-label")
        yield Sparkline([], id="curve")
        yield Label("Training and rollouts in progress", classes="field-title")
        yield ProgressBar(id="round-progress", show_eta=False)
        yield Static("", id="activity")
        yield Label("Model versions", classes="field-title")
        yield DataTable(id="versions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._app, self._store = self.app, self.app.store  # type: ignore[attr-defined]
        self.query_one("#rounds", DataTable).add_columns(
            "round", "workflow", *METRIC_COLUMNS, "promoted", "note", "when"
        )
        self.query_one("#versions", DataTable).add_columns("id", "name", "base", "promoted", "metrics", "created")
        self.action_refresh_improve()
        self.set_interval(2.0, self.action_refresh_improve)

    def on_screen_resume(self) -> None:
        self.action_refresh_improve()

    def action_refresh_improve(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="improve")
    def _load(self) -> None:
        """Five store reads every two seconds: on a worker so a busy database never stalls the UI."""
        store = self._store
        try:
            loaded = (
                store.list_rounds(),
                store.list_model_versions(),
                store.promoted_model(),
                store.list_runs(status="running", limit=200),
                store.list_runs(status="pending", limit=200),
            )
        except EclairError as exc:
            self._app.call_from_thread(self._show_error, str(exc))
            return
        self._app.call_from_thread(self._show, *loaded)

    def _show_error(self, message: str) -> None:
        self.query_one("#promoted", Static).update(f"[red]Cannot read the store: {message}[/]")

    def _show(
        self, rounds: list[Any], versions: list[Any], promoted: Any, active: list[Any], pending: list[Any]
    ) -> None:
        self._show_promoted(promoted)
        self._show_rounds(rounds)
        self._show_versions(versions)
        self._show_activity(active, pending)

    def _show_promoted(self, promoted: Any) -> None:
        if promoted is None:
            text = "Promoted model: [b]embedded base[/b] (no fine-tuned version promoted yet)"
        else:
            text = f"Promoted model: [b green]{promoted.name}[/] (version {promoted.id}, base {promoted.base})" + (
                f"\nadapter: {promoted.adapter_path}" if promoted.adapter_path else ""
            )
        self.query_one("#promoted", Static).update(text)

    def _show_rounds(self, rounds: list[Any]) -> None:
        curve = [float(r.metrics["heldout_after"]) for r in rounds if r.metrics.get("heldout_after") is not None]
        self.query_one("#curve", Sparkline).data = curve
        self.query_one("#curve-label", Static).update(
            "held-out success after each round: " + " → ".join(f"{v:.2f}" for v in curve) if curve else ""
        )
        table = self.query_one("#rounds", DataTable)
        table.clear()
        for item in sorted(rounds, key=lambda r: r.number):
            table.add_row(
                str(item.number),
                item.workflow or "—",
                *(metric(item.metrics, names) for names in METRIC_COLUMNS.values()),
                "yes" if item.promoted else "no",
                item.note[:40],
                when(item.created_at),
            )

    def _show_versions(self, versions: list[Any]) -> None:
        table = self.query_one("#versions", DataTable)
        table.clear()
        for version in versions:
            summary = ", ".join(
                f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in version.metrics.items()
            )
            table.add_row(
                str(version.id),
                version.name,
                version.base,
                "★" if version.promoted else "",
                summary[:60],
                when(version.created_at),
            )

    def _show_activity(self, active: list[Any], pending: list[Any]) -> None:
        bar = self.query_one("#round-progress", ProgressBar)
        bar.display = bool(active or pending)
        if not (active or pending):
            self.query_one("#activity", Static).update("idle: no rollouts or evaluations running")
            return
        bar.update(total=None)  # rollouts report no total to the store: an indeterminate bar says "busy"
        latest = active[0] if active else pending[0]
        self.query_one("#activity", Static).update(
            f"{len(active)} run(s) running, {len(pending)} queued · latest: {latest.id} {latest.task_text[:60]}"
        )
