"""Review queue: ordering by uncertainty, approve/reject writing Review rows, step labels, bulk approval."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from eclair.config import Settings
from eclair.tui.app import EclairApp
from eclair.tui.review import RunReviewScreen
from tests.tui.conftest import record_run, save_snapshot, settle

pytestmark = pytest.mark.asyncio
SIZE = (150, 46)


def queue_ids(app: EclairApp) -> list[str]:
    table = app.screen.query_one("#queue", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_approving_a_run_writes_a_review_row_with_step_labels(
    settings: Settings, store: Any, filled_store: dict[str, str]
) -> None:
    app = EclairApp(settings, store=store, start_mode="review")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert queue_ids(app)[0] == filled_store["unsure"]
        save_snapshot(app, "review-queue")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RunReviewScreen)
        assert app.screen.query_one("#review-steps", DataTable).row_count == 4
        await pilot.press("g")  # step 0 good
        await pilot.press("down", "x")  # step 1 bad
        await pilot.click("#note")
        await pilot.press(*"fine")
        save_snapshot(app, "review-run")
        await pilot.click("#approve")
        await settle(app, pilot)
        assert not isinstance(app.screen, RunReviewScreen)
        assert filled_store["unsure"] not in queue_ids(app)

    reviews = store.get_reviews(filled_store["unsure"])
    assert len(reviews) == 1
    assert reviews[0].decision == "approved"
    assert reviews[0].note == "fine"
    assert reviews[0].step_labels == {0: "good", 1: "bad"}
    assert store.get_run(filled_store["unsure"]).review == "approved"


async def test_reject_needs_a_note_shown_inline(settings: Settings, store: Any, filled_store: dict[str, str]) -> None:
    app = EclairApp(settings, store=store, start_mode="review")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert "needs a note" in str(app.screen.query_one("#review-message", Static).render())
        assert store.get_reviews(filled_store["unsure"]) == []
        app.screen.query_one("#note", Input).value = "wrong assignee"
        await pilot.click("#reject")
        await settle(app, pilot)
    reviews = store.get_reviews(filled_store["unsure"])
    assert [(r.decision, r.note) for r in reviews] == [("rejected", "wrong assignee")]


async def test_bulk_approve_takes_only_runs_whose_critics_all_passed(
    settings: Settings, store: Any, filled_store: dict[str, str]
) -> None:
    second_pass = record_run(store, "Open a ticket for Initech", labels=["pass"], task_label="pass")
    app = EclairApp(settings, store=store, start_mode="review")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.click("#bulk")
        await settle(app, pilot)
        assert sorted(queue_ids(app)) == sorted([filled_store["unsure"], filled_store["failed"]])
    for run_id in (filled_store["passed"], second_pass):
        assert [r.decision for r in store.get_reviews(run_id)] == ["approved"]
    assert store.get_reviews(filled_store["failed"]) == []
