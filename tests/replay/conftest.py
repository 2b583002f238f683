"""Replay fixtures: a demo server, a Store in a temp dir, and a helper that records an oracle demonstration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from demos.server import DemoServer
from demos.suite import WORKFLOWS, make_env
from eclair.config import Settings
from eclair.store import Store


@pytest.fixture(scope="module")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture
def store(settings: Settings) -> Store:
    return Store(settings)


def record_oracle(workflow: str, base_url: str, seed: int, *, settings: Settings, store: Store, browser: Any) -> Any:
    """Record the workflow's scripted solution as a demonstration (the recorder sees what a person would do)."""
    from eclair.demonstrations import record_demonstration

    env = make_env(workflow, base_url)
    episode = env.reset(seed)
    params = WORKFLOWS[workflow].visible_params(episode.params)
    secrets = {k: v for k, v in episode.params.items() if k == "password"}

    def prepare(page: Any) -> None:
        env.setup(page, seed)

    def demonstrate(page: Any, given: dict[str, str]) -> None:
        for step in WORKFLOWS[workflow].solution(dict(episode.params)):
            step.run(page)

    return record_demonstration(
        settings,
        url=None,
        workflow=workflow,
        browser=browser,
        prepare=prepare,
        demonstrate=demonstrate,
        store=store,
        params={**params, **secrets},
        description=WORKFLOWS[workflow].task_text(episode.params),
    )
