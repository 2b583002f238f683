"""`eclair bench tui`: how long the store reads behind each screen take on a store of N synthetic runs.

The synthetic runs are written the way the runner writes them (create, start, record steps with PNGs, verdicts,
finish); the TUI tests use the same writer for their fixture store.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eclair.config import Settings
from eclair.tui.review_queue import runs_needing_review
from eclair.types import (
    Action,
    ActionResult,
    Decision,
    Element,
    Observation,
    RunStatus,
    StepRecord,
    StepTimings,
    Task,
    Verdict,
    VerdictLabel,
)

PLAN = [
    (Action(kind="type", element="1", text="Acme"), "Fill the customer first", "Customer shows Acme"),
    (Action(kind="select", element="2", text="High"), "The task asks for High priority", "Priority is High"),
    (Action(kind="click", element="3"), "Submit the form", "A ticket number appears"),
    (Action(kind="done"), "The ticket exists", "Task complete"),
]


def sample_png(label: str, color: tuple[int, int, int] = (240, 240, 240)) -> bytes:
    """A real 320×200 PNG with a label drawn on it."""
    image = np.full((200, 320, 3), color, dtype=np.uint8)
    cv2.putText(image, label, (10, 100), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError("OpenCV could not encode a PNG")
    return bytes(data.tobytes())


def sample_observation(url: str, step: int) -> Observation:
    elements = [
        Element(id="1", role="textbox", name="Customer"),
        Element(id="2", role="combobox", name="Priority", options=["Low", "High"]),
        Element(id="3", role="button", name="Create ticket"),
    ]
    text = "\n".join(f'[{e.id}] {e.role} "{e.name}"' for e in elements)
    return Observation(url=url, title=f"Helpdesk step {step}", elements=elements, text=text)


def record_sample_run(
    store: Any,
    text: str,
    *,
    labels: list[VerdictLabel],
    task_label: VerdictLabel | None,
    status: RunStatus = "succeeded",
    task_score: float = 0.9,
    steps: int = 4,
) -> str:
    """Write one finished run with `steps` steps whose critic labels cycle through `labels`; returns its id."""
    info = store.create_run(Task(text=text, start_url="http://demo.local/helpdesk"), agent="scoring", model="embedded")
    store.start_run(info.id)
    for index in range(steps):
        action, why, expected = PLAN[index % len(PLAN)]
        label = labels[index % len(labels)]
        step = StepRecord(
            index=index,
            observation=sample_observation("http://demo.local/helpdesk/new", index),
            decision=Decision(action=action, rationale=why, expected_outcome=expected),
            result=ActionResult(ok=label != "fail", error=None if label != "fail" else "element not found"),
            verdicts=[
                Verdict(label=label, score=0.9 if label == "pass" else 0.4, reason=f"dom diff {label}", critic="dom")
            ],
            timings=StepTimings(observe_ms=120, decide_ms=480, act_ms=90, validate_ms=30),
        )
        store.record_step(info.id, step, sample_png(f"step {index}"))
    if task_label is not None:
        store.add_verdict(info.id, Verdict(label=task_label, score=task_score, reason="form submitted", critic="task"))
    store.finish_run(info.id, status, error=None if status != "failed" else "step 2 failed 3 times")
    return info.id


def _median_ms(read: Callable[[], object], repeats: int) -> float:
    read()  # warm caches once
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        read()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def measure_store_reads(settings: Settings, *, runs: int = 200, steps: int = 4, repeats: int = 5) -> dict[str, Any]:
    """Fill a throw-away store with `runs` runs and time the reads each screen makes (median ms)."""
    from eclair.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        scratch = settings.with_overrides(
            data_dir=Path(tmp) / "data", traces_dir=Path(tmp) / "traces", db_url="", models_dir=settings.model_root
        )
        store = Store(scratch)
        start = time.perf_counter()
        for i in range(runs):
            task_labels: list[VerdictLabel] = ["pass", "unsure", "fail"]
            record_sample_run(store, f"task {i}", labels=["pass", "unsure"], task_label=task_labels[i % 3], steps=steps)
        fill_s = time.perf_counter() - start
        one_run = store.list_runs(limit=1)[0].id
        result = {
            "runs": runs,
            "steps_per_run": steps,
            "fill_s": round(fill_s, 2),
            "home_list_runs_30_ms": round(_median_ms(lambda: store.list_runs(limit=30), repeats), 1),
            "live_get_steps_ms": round(_median_ms(lambda: store.get_steps(one_run), repeats), 1),
            "review_queue_ms": round(_median_ms(lambda: runs_needing_review(store), repeats), 1),
        }
        store.close()
    return result
