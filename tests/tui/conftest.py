"""A real Store filled with real run records (steps, screenshots, verdicts) for the TUI tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eclair.bench.tui import record_sample_run, sample_observation, sample_png
from eclair.config import Settings

SNAPSHOTS = Path(__file__).parent / "snapshots"

png = sample_png
observation = sample_observation
record_run = record_sample_run


@pytest.fixture
def store(settings: Settings) -> Iterator[Any]:
    from eclair.store import Store

    opened = Store(settings)
    yield opened
    opened.close()


@pytest.fixture
def filled_store(store: Any) -> dict[str, str]:
    """Three finished runs: a clean pass, an unsure one, a failure; returns their ids by name."""
    return {
        "passed": record_run(store, "Open a ticket for Acme, priority High", labels=["pass"], task_label="pass"),
        "unsure": record_run(
            store,
            "Assign ticket 7 to Dana",
            labels=["pass", "unsure"],
            task_label="unsure",
            status="needs_review",
            task_score=0.5,
        ),
        "failed": record_run(
            store,
            "Close every ticket from Globex",
            labels=["pass", "fail"],
            task_label="fail",
            status="failed",
            task_score=0.1,
        ),
    }


def save_snapshot(app: Any, name: str) -> Path:
    """Keep an SVG of the current screen under tests/tui/snapshots (untracked) for visual review."""
    SNAPSHOTS.mkdir(exist_ok=True)
    path = app.save_screenshot(filename=f"{name}.svg", path=str(SNAPSHOTS))
    return Path(path)


async def settle(app: Any, pilot: Any) -> None:
    """Let store-reading workers finish and the screen repaint."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
