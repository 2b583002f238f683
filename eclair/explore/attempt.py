"""Attempt the proposed tasks with the current policy and record which ones the proposer's check verified."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from eclair.bench.harness import EpisodeResult, SuiteResult, run_suite
from eclair.config import Settings
from eclair.critics import default_panel
from eclair.errors import EclairError
from eclair.explore.env import ExploreEnv, explore_envs
from eclair.models.current import current_model
from eclair.plugins import make_agent
from eclair.store import Store


class AttemptReport(BaseModel):
    """Per split: episodes run and verified; plus every episode's run id and verdict."""

    app: str
    split: str
    episodes: int
    verified: int
    errors: int
    wall_s: float
    by_kind: dict[str, list[int]] = Field(default_factory=dict)  # kind -> [verified, episodes]
    results: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.verified / self.episodes if self.episodes else 0.0


def attempt(
    settings: Settings,
    app: str,
    *,
    split: str | None = "train",
    k: int = 1,
    seed: int = 0,
    workers: int = 1,
    executor: str = "threads",
    temperature: float = 0.0,
    limit: int | None = None,
    model: str | None = None,
    on_result: Callable[[EpisodeResult], None] | None = None,
) -> AttemptReport:
    """Run each proposal of the split `k` times (seeds `seed`, `seed`+1, …); the proposer's check is the label."""
    if k < 1:
        raise EclairError("--k must be at least 1")
    store = Store(settings)
    envs = explore_envs(settings, app, split)[:limit]
    by_name: dict[str, ExploreEnv] = {env.name: env for env in envs}

    def agent_factory(backend: Any) -> Any:
        options = {"temperature": temperature, "seed": seed} if temperature > 0 else {}
        return make_agent(settings.agent, backend, **options)

    result: SuiteResult = run_suite(
        envs,
        agent_name=settings.agent,
        settings=settings,
        episodes=k,
        seed=seed,
        workers=workers,
        executor=executor,
        store=store,
        critics=default_panel(),
        model=model or settings.model or current_model(settings),  # the factory needs the backend loaded here
        agent_factory=agent_factory,
        suite=f"explore:{app}/{split or 'all'}",
        on_result=on_result,
    )
    report = AttemptReport(
        app=app, split=split or "all", episodes=len(result.results), verified=0, errors=0, wall_s=result.wall_s
    )
    for r in result.results:
        env = by_name[r.env]
        report.verified += r.success
        report.errors += r.error is not None
        counts = report.by_kind.setdefault(env.task.kind, [0, 0])
        counts[0] += r.success
        counts[1] += 1
        if r.run_id:
            store.record_attempt(env.proposal_id, r.run_id, r.success)
        report.results.append(
            {
                "proposal": env.proposal_id,
                "run_id": r.run_id,
                "seed": r.seed,
                "verified": r.success,
                "steps": r.steps,
                "task": r.task_text,
                "error": r.error,
            }
        )
    return report
