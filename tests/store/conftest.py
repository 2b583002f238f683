"""Store fixtures: a real SQLite database in a temp folder, and step records to write into it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eclair.config import Settings
from eclair.store import Store
from eclair.types import Action, ActionResult, Decision, Observation, StepRecord, StepTimings, Usage, Verdict


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings)
    yield s
    s.close()


def make_step(index: int, attempt: int = 0, *, tokens: int = 10, label: str = "pass") -> StepRecord:
    return StepRecord(
        index=index,
        attempt=attempt,
        observation=Observation(url=f"http://app.test/page{index}", title="Tickets", text=f"[1] button 'Save {index}'"),
        decision=Decision(
            action=Action(kind="click", element="1"),
            rationale="save the form",
            expected_outcome="a saved banner",
            prompt=f"prompt {index}",
            completion="click button 'Save'",
            usage=Usage(tokens_in=tokens, tokens_out=tokens // 2),
        ),
        result=ActionResult(ok=True, located_by="id", duration_ms=12.5),
        verdicts=[Verdict(label=label, score=0.9, reason="banner shown", critic="rules")],  # type: ignore[arg-type]
        timings=StepTimings(observe_ms=1.0, decide_ms=2.0, act_ms=3.0, validate_ms=4.0),
    )
