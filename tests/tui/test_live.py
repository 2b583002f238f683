"""Live run screen following runs from the store (as `eclair watch ID` does)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static

from eclair.config import Settings
from eclair.tui.app import EclairApp
from eclair.tui.live import LiveRunScreen
from eclair.types import Action, ActionResult, Decision, StepRecord, Task, Verdict
from tests.tui.conftest import observation, png, save_snapshot

pytestmark = pytest.mark.asyncio
SIZE = (150, 46)


def status_line(app: EclairApp) -> str:
    return str(app.screen.query_one("#run-status", Static).render())


async def wait_for(pilot: Any, condition: Any, timeout_s: float = 10.0) -> None:
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def test_watch_shows_steps_screenshot_and_final_status(
    settings: Settings, store: Any, filled_store: dict[str, str]
) -> None:
    run_id = filled_store["failed"]
    app = EclairApp(settings, store=store, watch_run=run_id, poll_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, LiveRunScreen) and app.screen.finished)
        table = app.screen.query_one("#steps", DataTable)
        assert table.row_count == 4
        assert str(table.get_row_at(1)[1]) == "select [2] 'High'"
        assert str(table.get_row_at(1)[2]) == 'combobox "Priority"'
        assert str(table.get_row_at(1)[3]) == "fail"
        assert "failed" in status_line(app) and run_id in status_line(app)
        shot = str(app.screen.query_one("#shot-text", Static).render())
        assert "320×200 PNG" in shot and "step-003.png" in shot.replace("\n", "")
        assert 'button "Create ticket"' in str(app.screen.query_one("#observation", Static).render())
        await pilot.press("up")  # earlier steps show their own rationale
        assert "Submit the form" in str(app.screen.query_one("#reasoning", Static).render())
        save_snapshot(app, "live-watch")
        await pilot.press("p")  # a watched run cannot be paused from here: a notice, not a crash
        await pilot.press("v")  # a finished run can be reviewed straight from here
        assert type(app.screen).__name__ == "RunReviewScreen"
        await pilot.press("escape", "escape")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_watch_follows_a_run_while_it_grows(settings: Settings, store: Any) -> None:
    info = store.create_run(Task(text="Assign ticket 7 to Dana", start_url="http://demo.local/"), agent="scoring")
    store.start_run(info.id)

    def add_step(index: int) -> None:
        step = StepRecord(
            index=index,
            observation=observation("http://demo.local/t/7", index),
            decision=Decision(action=Action(kind="click", element="3"), rationale=f"reason {index}"),
            result=ActionResult(ok=True),
            verdicts=[Verdict(label="pass", score=0.9, critic="dom")],
        )
        store.record_step(info.id, step, png(f"live {index}"))

    add_step(0)
    app = EclairApp(settings, store=store, watch_run=info.id, poll_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#steps", DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        assert "running" in status_line(app)
        add_step(1)
        await wait_for(pilot, lambda: table.row_count == 2)
        store.add_verdict(info.id, Verdict(label="pass", score=0.95, critic="task"))
        store.finish_run(info.id, "succeeded")
        await wait_for(pilot, lambda: app.screen.finished)
        assert "succeeded" in status_line(app)


async def test_watch_unknown_run_is_a_message_not_a_crash(settings: Settings, store: Any) -> None:
    app = EclairApp(settings, store=store, watch_run="nosuchrun", poll_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.finished)
        assert "nosuchrun" in status_line(app)
