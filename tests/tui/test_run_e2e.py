"""A real run from the TUI: the Home form → the smoke demo workflow → live steps → final status.

Real model (embedded SmolLM2 via the scoring agent), real Chromium, real demo server, real store. A decision
takes seconds on an idle 2-core machine and minutes on a crowded one: budgets are small, timeouts generous.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, RichLog, Select, Static

from eclair.config import Settings
from eclair.tui.app import EclairApp
from eclair.tui.live import LiveRunScreen
from eclair.tui.widgets import ApprovalModal
from eclair.types import Action, Observation
from tests.tui.conftest import save_snapshot

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]
SIZE = (150, 46)
SMOKE = "helpdesk-create-ticket"


async def wait_for(pilot: Any, condition: Any, timeout_s: float) -> None:
    for _ in range(int(timeout_s / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"condition not met within {timeout_s}s")


def log_text(screen: Any) -> str:
    return "\n".join(line.text for line in screen.query_one("#log", RichLog).lines)


async def start_smoke_run(pilot: Any, app: EclairApp, description: str | None = None) -> LiveRunScreen:
    """Pick the smoke demo app; keep its prefilled task (None) or type a description of one's own."""
    app.screen.query_one("#demo", Select).value = SMOKE
    await pilot.pause()
    if description is not None:
        app.screen.query_one("#description").text = ""
        await pilot.click("#description")
        await pilot.press(*description)
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: isinstance(app.screen, LiveRunScreen), 120)
    assert isinstance(app.screen, LiveRunScreen)
    return app.screen


async def test_the_prefilled_demo_task_runs_the_smoke_workflow_to_the_end(settings: Settings, store: Any) -> None:
    app = EclairApp(settings.with_overrides(max_steps=1), store=store)
    async with app.run_test(size=SIZE) as pilot:
        live = await start_smoke_run(pilot, app)
        await wait_for(pilot, lambda: live.finished, 400)
        table = live.query_one("#steps", DataTable)
        assert table.row_count >= 1
        status = str(live.query_one("#run-status", Static).render())
        assert live.status in ("succeeded", "failed", "needs_review")
        assert live.status in status
        assert "checker:" in log_text(live)
        save_snapshot(app, "live-run")
    run = store.get_run(live.run_id)
    assert run.status == live.status
    assert "{customer}" not in run.task_text  # the workflow's own task, its seeded parameters filled in
    assert len(store.get_steps(run.id)) == table.row_count


async def test_a_start_url_run_from_the_form(settings: Settings, store: Any) -> None:
    from demos.server import DemoServer

    app = EclairApp(settings.with_overrides(max_steps=1), store=store)
    with DemoServer() as server:
        async with app.run_test(size=SIZE) as pilot:
            app.screen.query_one("#description").text = "Open the list of customers."
            app.screen.query_one("#start-url").value = f"{server.base_url}/"
            await pilot.click("#run")
            await wait_for(pilot, lambda: isinstance(app.screen, LiveRunScreen), 120)
            live = app.screen
            await wait_for(pilot, lambda: live.finished, 400)
            rows = live.query_one("#steps", DataTable).row_count
            assert rows >= 1  # one step, plus its retries when a critic failed it
            assert live.status in ("succeeded", "failed", "needs_review")
    run = store.get_run(live.run_id)
    assert run.task_text == "Open the list of customers." and run.status == live.status
    assert len(store.get_steps(run.id)) == rows


def every_action_needs_approval(action: Action, obs: Observation) -> str | None:
    return None if action.kind == "done" else "test rule: every action needs approval"


async def test_pause_step_once_approval_modal_and_stop(settings: Settings, store: Any) -> None:
    app = EclairApp(settings.with_overrides(max_steps=3), store=store, needs_approval=every_action_needs_approval)
    async with app.run_test(size=SIZE) as pilot:
        live = await start_smoke_run(pilot, app, "Create a ticket for Acme.")
        await pilot.press("p")  # paused before the first step: the browser is still starting
        await wait_for(pilot, lambda: bool(live.run_id), 120)
        await pilot.pause(3.0)
        assert store.get_steps(live.run_id) == []  # paused: nothing moves
        assert "PAUSED" in str(live.query_one("#run-status", Static).render())

        await pilot.press("n")  # one step: the gate asks, deny it; the refused step is recorded, then pause again
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalModal), 400)
        await pilot.pause(0.3)  # let the modal paint before the snapshot
        save_snapshot(app, "approval-modal")
        assert "test rule" in str(app.screen.query_one("#approval-reason", Static).render())
        await pilot.press("n")
        await wait_for(pilot, lambda: len(store.get_steps(live.run_id)) == 1, 60)
        await pilot.pause(3.0)
        assert app.screen is live and len(store.get_steps(live.run_id)) == 1
        refused = store.get_steps(live.run_id)[0]
        assert refused.result is None and "rejected by the reviewer" in (refused.feedback or "")

        await pilot.press("n")  # the retry: approve it, the action runs
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalModal), 400)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(store.get_steps(live.run_id)) == 2, 60)
        assert store.get_steps(live.run_id)[1].result is not None
        assert "approved" in log_text(live)

        await pilot.press("s")
        await wait_for(pilot, lambda: live.finished, 60)
        assert live.status == "interrupted"
    assert store.get_run(live.run_id).status == "interrupted"
    assert store.get_run(live.run_id).error == "stopped by the user"
