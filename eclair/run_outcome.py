"""What a finished run comes back as, and the rules that read a run's end: its status, a repeated step."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from eclair.types import Decision, Observation, RunStatus, StepRecord, Verdict


@dataclass
class RunOutcome:
    run_id: str
    status: RunStatus
    answer: str | None
    steps: list[StepRecord]
    final: Observation
    page: Any  # the tab the run ended on, still open
    label: Verdict | None = None
    error: str | None = None
    wall_ms: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass
class LoopWatch:
    """Per-run bookkeeping for loop detection."""

    last_signature: str = ""
    repeats: int = 0

    def see(self, obs: Observation, decision: Decision) -> int:
        signature = hashlib.sha1((obs.url + obs.text + decision.action.describe()).encode()).hexdigest()
        self.repeats = self.repeats + 1 if signature == self.last_signature else 1
        self.last_signature = signature
        return self.repeats


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def status_from(finished: bool, error: str | None, label: Verdict | None) -> RunStatus:
    """No ground truth here: a finished run is succeeded/failed by the critics' label, unsure goes to review."""
    if error or not finished:
        return "failed"
    if label is None or label.label == "unsure":
        return "needs_review"
    return "succeeded" if label.label == "pass" else "failed"
