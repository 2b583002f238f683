"""The suite harness with real episodes: real Chromium, the real runner and a real SQLite store.

The policy is a small deterministic one (click the control the task names), so the numbers are exact.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from eclair.bench.curriculum import CurriculumEnv
from eclair.bench.harness import EpisodeResult, SuiteResult, episode_jobs, run_suite
from eclair.bench.miniwob import MiniWoBEnv, MiniWoBServer
from eclair.bench.report import load_result, result_from_episodes, write_report
from eclair.config import Settings
from eclair.store import Store
from eclair.types import Action, Decision, Observation, StepRecord, Task


class ClickNamedControlAgent:
    """Clicks the button or link whose name the task mentions (longest match); says done after one click."""

    name = "click-named"

    def begin(self, task: Task) -> None:
        self.seen_tasks = getattr(self, "seen_tasks", 0) + 1

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        controls = [e for e in obs.elements if e.role in ("button", "link") and e.name]
        named = [e for e in controls if re.search(rf"(^|[\s\"']){re.escape(e.name)}([\s\"'.,]|$)", task.text)]
        if history or not (named or controls):
            return Decision(action=Action(kind="done"))
        target = max(named, key=lambda e: len(e.name)) if named else controls[0]
        return Decision(action=Action(kind="click", element=target.id), expected_outcome="the task is done")


def envs(server: MiniWoBServer) -> list[Any]:
    return [MiniWoBEnv("click-test", server), MiniWoBEnv("click-button", server), CurriculumEnv("click-button", 4)]


def run(settings: Settings, server: MiniWoBServer, workers: int, seen: list[EpisodeResult]) -> SuiteResult:
    return run_suite(
        envs(server),
        agent_name="click-named",
        settings=settings,
        episodes=2,
        seed=10,
        workers=workers,
        store=Store(settings),
        on_result=seen.append,
        agent_factory=lambda backend: ClickNamedControlAgent(),
        suite="test",
    )


def test_run_suite_scores_stores_and_reports(settings: Settings, miniwob_server: MiniWoBServer, tmp_path: Path) -> None:
    seen: list[EpisodeResult] = []
    result = run(settings, miniwob_server, workers=1, seen=seen)
    assert len(seen) == len(result.results) == 6
    assert [t.env for t in result.per_task] == [
        "miniwob/click-test",
        "miniwob/click-button",
        "curriculum/click-button-000",
    ]
    assert all(r.error is None and r.run_id and r.steps >= 1 for r in result.results), result.results
    assert {r.seed for r in result.results} == {10, 11}
    assert result.mean_success == 1.0, [(r.env, r.seed, r.task_text, r.status) for r in result.results]

    store = Store(settings)
    for r in result.results:  # ground truth is on the run, as the checker's verdict
        checker = [v for _, v in store.get_verdicts(r.run_id) if v.critic == "checker"]
        assert len(checker) == 1 and checker[0].label == ("pass" if r.success else "fail")
        assert store.get_run(r.run_id).task_text == r.task_text

    out = tmp_path / "report" / "suite.json"
    text, table, png = write_report(result, out, "Test suite")
    assert json.loads(out.read_text())["mean_success"] == 1.0 == json.loads(text)["mean_success"]
    assert "| miniwob/click-test | 2 | 100% |" in table and "mean over 3 tasks" in table
    assert png is not None and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_result(out).per_task == result.per_task
    partial = tmp_path / "suite.episodes.jsonl"  # what the CLI writes as episodes finish
    partial.write_text("".join(r.model_dump_json() + "\n" for r in seen))
    assert result_from_episodes(partial).per_task == result.per_task


def test_a_wrong_policy_scores_zero(settings: Settings, miniwob_server: MiniWoBServer) -> None:
    class ClickFirstButton(ClickNamedControlAgent):
        def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
            buttons = [e for e in obs.elements if e.role == "button"]
            wrong = [e for e in buttons if e.name and e.name not in task.text]
            if history or not wrong:
                return Decision(action=Action(kind="done"))
            return Decision(action=Action(kind="click", element=wrong[0].id))

    result = run_suite(
        [CurriculumEnv("click-button", 4)],
        agent_name="click-first",
        settings=settings,
        episodes=3,
        seed=0,
        workers=1,
        store=Store(settings),
        agent_factory=lambda backend: ClickFirstButton(),
    )
    assert result.mean_success == 0.0 and all(r.done for r in result.results)


@pytest.mark.slow
def test_parallel_workers_give_the_same_results(settings: Settings, miniwob_server: MiniWoBServer) -> None:
    seen: list[EpisodeResult] = []
    result = run(settings, miniwob_server, workers=2, seen=seen)
    assert len(result.results) == 6 and result.workers == 2
    assert [(r.env, r.seed, r.success) for r in result.results] == sorted(
        [(r.env, r.seed, r.success) for r in result.results], key=lambda x: (result.env_order.index(x[0]), x[1])
    )
    assert result.mean_success == 1.0
    assert len({r.run_id for r in result.results}) == 6


def test_episode_jobs_are_episode_major_and_siblings_share_a_seed() -> None:
    envs: list[Any] = ["task-a", "task-b"]  # only passed through
    fresh = episode_jobs(envs, 3, 10)
    assert [(env, seed) for env, seed, _ in fresh] == [
        ("task-a", 10),
        ("task-b", 10),
        ("task-a", 11),
        ("task-b", 11),
        ("task-a", 12),
        ("task-b", 12),
    ]
    paired = episode_jobs(envs, 4, 10, siblings=2)
    assert [seed for env, seed, _ in paired if env == "task-a"] == [10, 10, 11, 11]
    assert [episode for env, _, episode in paired if env == "task-b"] == [0, 1, 2, 3]
