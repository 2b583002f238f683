"""Run an agent on a list of TaskEnvironments for N seeded episodes each, K browser contexts in parallel.

Each episode: a fresh browser context, `env.setup(page, seed)`, `runner.run_task(...)`, then `env.validate(page)`;
the reward is stored on the run as a Verdict(critic="checker") and is never shown to the agent or the critics.
"""

from __future__ import annotations

import inspect
import logging
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, computed_field

from eclair.bench.executors import EpisodeWork, Executor, parse_executor, run_threads
from eclair.config import Settings
from eclair.errors import EclairError
from eclair.types import Agent, TaskEnvironment, Verdict

if TYPE_CHECKING:
    from eclair.assemble import RunParts

log = logging.getLogger(__name__)

AgentFactory = Callable[[Any], Agent]  # backend (or None) -> a fresh agent, one per worker


class EpisodeResult(BaseModel):
    env: str
    seed: int
    episode: int
    reward: float = 0.0
    success: bool = False
    done: bool = False
    steps: int = 0
    wall_s: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    run_id: str | None = None
    status: str = ""  # the run's status as the runner (critics, no ground truth) left it
    error: str | None = None  # the episode could not run (setup failed, crash): counted in `errors`
    stop_reason: str | None = None  # why the runner stopped early (step budget, retries), if it did
    task_text: str = ""

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out


class TaskSummary(BaseModel):
    env: str
    episodes: int
    successes: int
    success_rate: float
    mean_steps: float
    mean_wall_s: float
    mean_tokens: float
    errors: int


class SuiteResult(BaseModel):
    """Per-episode results plus per-task and overall aggregates; JSON-serialisable as is."""

    suite: str = ""
    agent: str = ""
    backend: str = ""
    model: str = ""
    seed: int = 0
    episodes_per_task: int = 1
    workers: int = 1
    started_at: str = ""
    wall_s: float = 0.0
    env_order: list[str] = Field(default_factory=list)
    results: list[EpisodeResult] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def per_task(self) -> list[TaskSummary]:
        by_env: dict[str, list[EpisodeResult]] = {name: [] for name in self.env_order}
        for r in self.results:
            by_env.setdefault(r.env, []).append(r)
        return [_summarise(env, rows) for env, rows in by_env.items() if rows]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_success(self) -> float:
        """The mean over tasks of each task's success rate (how MiniWoB++ results are published)."""
        tasks = self.per_task
        return statistics.fmean(t.success_rate for t in tasks) if tasks else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def episodes(self) -> int:
        return len(self.results)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_steps(self) -> float:
        return statistics.fmean(r.steps for r in self.results) if self.results else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_wall_s(self) -> float:
        return statistics.fmean(r.wall_s for r in self.results) if self.results else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_tokens(self) -> float:
        return statistics.fmean(r.tokens for r in self.results) if self.results else 0.0


def _summarise(env: str, rows: list[EpisodeResult]) -> TaskSummary:
    wins = sum(r.success for r in rows)
    return TaskSummary(
        env=env,
        episodes=len(rows),
        successes=wins,
        success_rate=wins / len(rows),
        mean_steps=statistics.fmean(r.steps for r in rows),
        mean_wall_s=statistics.fmean(r.wall_s for r in rows),
        mean_tokens=statistics.fmean(r.tokens for r in rows),
        errors=sum(r.error is not None for r in rows),
    )


class LockedBackend:
    """One loaded model shared by worker threads: calls are serialised, usage is tracked per thread."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def last_usage(self) -> Any:
        return getattr(self._local, "usage", self._backend.last_usage)

    def chat(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            out = self._backend.chat(*args, **kwargs)
            self._local.usage = self._backend.last_usage
        return out

    def score(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            out = self._backend.score(*args, **kwargs)
            self._local.usage = self._backend.last_usage
        return out

    def __getattr__(self, name: str) -> Any:  # name, model_id, supports_images, tokenizer, other helpers
        attr = getattr(self._backend, name)
        if inspect.ismethod(attr):  # the backend's own methods; objects like a tokenizer pass through

            def locked(*args: Any, **kwargs: Any) -> Any:
                with self._lock:
                    out = attr(*args, **kwargs)
                    self._local.usage = getattr(self._backend, "last_usage", None)
                return out

            return locked
        return attr


def run_suite(
    envs: Sequence[TaskEnvironment],
    *,
    agent_name: str,
    settings: Settings,
    episodes: int,
    seed: int,
    workers: int = 1,
    store: Any,
    critics: Any = None,
    on_result: Callable[[EpisodeResult], None] | None = None,
    backend: str | None = None,
    model: str | None = None,
    agent_factory: AgentFactory | None = None,
    suite: str = "",
    tracing: bool = False,
    siblings: int = 1,
    executor: str | Executor = "threads",
) -> SuiteResult:
    """Run every env for `episodes` episodes; episode e of every task uses seed + e // siblings.

    `siblings` > 1 replays each seed that many times (sampling agents then differ at equal states, which is what
    DPO pairs are made of); 1 gives every episode a fresh seed. `executor` is threads (this process) or
    ray[:ADDRESS] (Ray actors, one browser each, one model per node); both write the same records."""
    if episodes < 1 or workers < 1 or siblings < 1:
        raise EclairError("--episodes, --workers and --siblings must be at least 1")
    where = parse_executor(executor)
    needs_model = agent_factory is None or backend is not None or model is not None
    loaded = _load_backend(settings, backend, model, needed=needs_model) if where.kind == "threads" else None
    work = EpisodeWork(
        settings=settings,
        store=store,
        critics=critics,
        factory=agent_factory or _make_agent_factory(agent_name),
        tracing=tracing,
        backend=LockedBackend(loaded) if loaded is not None and workers > 1 else loaded,
        load=(backend, model) if needs_model else None,
    )
    result = SuiteResult(
        suite=suite,
        agent=agent_name,
        backend=getattr(loaded, "name", backend or ""),
        model=getattr(loaded, "model_id", model or ""),
        seed=seed,
        episodes_per_task=episodes,
        workers=workers,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        env_order=[env.name for env in envs],
    )
    lock = threading.Lock()

    def record(res: EpisodeResult) -> None:
        with lock:
            result.results.append(res)
            if on_result is not None:
                on_result(res)

    jobs = episode_jobs(envs, episodes, seed, siblings)
    started = time.perf_counter()
    if where.kind == "ray":
        from eclair.bench.ray_executor import run_on_ray

        result.backend, result.model = run_on_ray(where.address, jobs, work, workers, record)
    else:
        run_threads(jobs, work, workers, record)
    result.wall_s = time.perf_counter() - started
    order = {name: i for i, name in enumerate(result.env_order)}
    result.results.sort(key=lambda r: (order.get(r.env, len(order)), r.episode))
    return result


def episode_jobs(
    envs: Sequence[TaskEnvironment], episodes: int, seed: int, siblings: int = 1
) -> list[tuple[TaskEnvironment, int, int]]:
    """(env, seed, episode) in episode-major order, so a short run still covers every task."""
    return [(env, seed + episode // siblings, episode) for episode in range(episodes) for env in envs]


def _load_backend(settings: Settings, backend: str | None, model: str | None, *, needed: bool) -> Any:
    if not needed and backend is None and model is None:
        return None
    from eclair.models import load_backend

    return load_backend(settings, backend=backend, model=model)


def _make_agent_factory(agent_name: str) -> AgentFactory:
    return agent_factory(agent_name)


def agent_factory(agent_name: str, **options: Any) -> AgentFactory:
    """A factory for the named agent built with `options` (e.g. `disabled_features` for an ablation)."""
    from eclair.plugins import make_agent

    return lambda backend: make_agent(agent_name, backend, **options)


def run_episode(
    env: TaskEnvironment,
    seed: int,
    parts: RunParts,
    browser: Any,
    *,
    settings: Settings,
    tracing: bool = False,
    episode: int = 0,
) -> EpisodeResult:
    """One episode in a fresh browser context; failures to start or run become an error on the result."""
    from eclair.assemble import build_run
    from eclair.browser import new_context
    from eclair.runner import run_task

    store = parts.store
    res = EpisodeResult(env=env.name, seed=seed, episode=episode)
    context = new_context(browser)
    try:
        page = context.new_page()
        try:
            task = env.setup(page, seed)
        except EclairError as exc:
            res.error, res.status = f"setup: {exc}", "error"
            return res
        res.task_text = task.text
        spec = build_run(task, parts, settings, tracing=tracing, is_finished=lambda p: env.validate(p)[1])
        outcome = run_task(spec, page, store=store)
        reward, done = env.validate(outcome.page)
        why = env.reward_reason(outcome.page) if hasattr(env, "reward_reason") else None
        res.reward, res.success, res.done = reward, reward > 0, done
        res.run_id, res.status, res.stop_reason = outcome.run_id, outcome.status, outcome.error
        res.steps, res.wall_s = len(outcome.steps), outcome.wall_ms / 1000.0
        res.tokens_in, res.tokens_out = outcome.tokens_in, outcome.tokens_out
        store.add_verdict(
            outcome.run_id,
            Verdict(
                label="pass" if res.success else "fail",
                score=1.0 if res.success else 0.0,
                reason=f"environment reward {reward:g} (done={done})" + (f": {why}" if why else ""),
                critic="checker",
            ),
        )
    except Exception as exc:  # one broken episode must not end a long benchmark; it is counted as an error
        log.exception("%s seed %d crashed", env.name, seed)
        res.error, res.status = f"{type(exc).__name__}: {exc}", "error"
    finally:
        try:
            env.teardown()
        finally:
            context.close()
    return res
