"""Improve screen: rounds with their metrics, model versions and the promoted one, from a real store."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static

from eclair.config import Settings
from eclair.tui.app import EclairApp
from tests.tui.conftest import save_snapshot, settle

pytestmark = pytest.mark.asyncio


def round_metrics(number: int, before: float, after: float, promoted: bool) -> dict[str, Any]:
    """The fields eclair.learn's RoundMetrics writes."""
    return {
        "round": number,
        "temperature": 0.5,
        "rollout_success": after - 0.1,
        "pass_at_k": after,
        "unique_successes": 1.5,
        "critic_precision": 0.83,
        "critic_recall": 0.9,
        "dataset_size": 40 * number,
        "dpo_pairs": 3,
        "heldout_before": before,
        "heldout_after": after,
        "promoted": promoted,
        "reason": "held-out success rose" if promoted else "held-out success did not rise",
        "train_seconds": 61.5,
        "round_seconds": 300.0,
    }


async def test_improve_shows_rounds_metrics_and_the_promoted_version(settings: Settings, store: Any) -> None:
    dataset = store.add_dataset("demos-r1", "sft", "/tmp/sft.jsonl", 40, {"runs": 12})
    first = store.add_model_version(
        "smollm2-demos-r1", base="embedded", adapter_path="/tmp/r1", dataset_id=dataset, metrics={"heldout": 0.6}
    )
    store.add_round(metrics=round_metrics(1, 0.4, 0.6, True), workflow="demos", model_version_id=first, promoted=True)
    store.promote(first)
    second = store.add_model_version(
        "smollm2-demos-r2", base="embedded", adapter_path="/tmp/r2", dataset_id=dataset, metrics={"heldout": 0.55}
    )
    store.add_round(metrics=round_metrics(2, 0.6, 0.55, False), workflow="demos", model_version_id=second)

    app = EclairApp(settings, store=store, start_mode="improve")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        assert "smollm2-demos-r1" in str(app.screen.query_one("#promoted", Static).render())
        rounds = app.screen.query_one("#rounds", DataTable)
        assert rounds.row_count == 2
        first_row = [str(cell) for cell in rounds.get_row_at(0)]
        assert first_row[:4] == ["1", "demos", "0.40", "0.60"]
        assert "0.83" in first_row and "yes" in first_row
        assert [str(c) for c in rounds.get_row_at(1)][2:4] == ["0.60", "0.55"]
        versions = app.screen.query_one("#versions", DataTable)
        assert [str(versions.get_row_at(i)[3]) for i in range(versions.row_count)] == ["★", ""]
        assert "idle" in str(app.screen.query_one("#activity", Static).render())
        assert "0.60 → 0.55" in str(app.screen.query_one("#curve-label", Static).render())
        save_snapshot(app, "improve")
