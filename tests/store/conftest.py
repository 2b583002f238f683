"""Store fixtures: a real SQLite database in a temp folder, and step records to write into it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from eclair.config import Settings
from eclair.store import Store
from eclair.types import Action, ActionResult, Decision, Observation, StepRecord, StepTimings, Usage, Verdict
from tests.databases import parametrize_databases


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings)
    yield s
    s.close()


@pytest.fixture
def fresh_settings(settings: Settings, db_engine: str, request: pytest.FixtureRequest) -> Callable[[Path], Settings]:
    """Settings for another, empty database on the same engine (a new data dir; on Postgres a new database)."""

    def make(data_dir: Path) -> Settings:
        url = request.getfixturevalue("postgres_server").create_database() if db_engine == "postgres" else ""
        return settings.with_overrides(data_dir=data_dir, db_url=url)

    return make


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_databases(metafunc)
