"""A real Store filled with real run records (steps, screenshots, verdicts) for the TUI tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from eclair.config import Settings
from eclair.types import (
    Action,
    ActionResult,
    Decision,
    Element,
    Observation,
    StepRecord,
    StepTimings,
    Task,
    Verdict,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"


def png(label: str, color: tuple[int, int, int] = (240, 240, 240)) -> bytes:
    """A real 320×200 PNG with a label drawn on it."""
    image = np.full((200, 320, 3), color, dtype=np.uint8)
    cv2.putText(image, label, (10, 100), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    ok, data = cv2.imencode(".png", image)
    assert ok
    return data.tobytes()


def observation(url: str, step: int) -> Observation:
    elements = [
        Element(id="1", role="textbox", name="Customer"),
        Element(id="2", role="combobox", name="Priority", options=["Low", "High"]),
        Element(id="3", role="button", name="Create ticket"),
    ]
    text = "\n".join(f'[{e.id}] {e.role} "{e.name}"' for e in elements)
    return Observation(url=url, title=f"Helpdesk step {step}", elements=elements, text=text)


PLAN = [
    (Action(kind="type", element="1", text="Acme"), "Fill the customer first", "Customer shows Acme"),
    (Action(kind="select", element="2", text="High"), "The task asks for High priority", "Priority is High"),
    (Action(kind="click", element="3"), "Submit the form", "A ticket number appears"),
    (Action(kind="done"), "The ticket exists", "Task complete"),
]


def record_run(
    store: Any,
    text: str,
    *,
    labels: list[str],
    task_label: str | None,
    status: str = "succeeded",
    task_score: float = 0.9,
    steps: int = 4,
) -> str:
    """Write a finished run the way the runner does: create, start, record steps, task verdicts, finish."""
    info = store.create_run(Task(text=text, start_url="http://demo.local/helpdesk"), agent="scoring", model="embedded")
    store.start_run(info.id)
    for index in range(steps):
        action, why, expected = PLAN[index % len(PLAN)]
        label = labels[index % len(labels)]
        step = StepRecord(
            index=index,
            observation=observation("http://demo.local/helpdesk/new", index),
            decision=Decision(action=action, rationale=why, expected_outcome=expected),
            result=ActionResult(ok=label != "fail", error=None if label != "fail" else "element not found"),
            verdicts=[
                Verdict(label=label, score=0.9 if label == "pass" else 0.4, reason=f"dom diff {label}", critic="dom")
            ],
            timings=StepTimings(observe_ms=120, decide_ms=480, act_ms=90, validate_ms=30),
        )
        store.record_step(info.id, step, png(f"step {index}"))
    if task_label is not None:
        store.add_verdict(info.id, Verdict(label=task_label, score=task_score, reason="form submitted", critic="task"))
    store.finish_run(info.id, status, error=None if status != "failed" else "step 2 failed 3 times")
    return info.id


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
    """Keep an SVG of the current screen under tests/tui/snapshots for visual review."""
    SNAPSHOTS.mkdir(exist_ok=True)
    path = app.save_screenshot(filename=f"{name}.svg", path=str(SNAPSHOTS))
    return Path(path)


async def settle(app: Any, pilot: Any) -> None:
    """Let store-reading workers finish and the screen repaint."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
