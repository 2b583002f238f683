"""`eclair bench scale`: episodes per minute for each executor × worker count on the same MiniWoB++ episodes.

Every configuration runs the same (task, seed) episodes from scratch, in a fresh process: its own model load
(threads: in that process; Ray: one ModelHost per node), its own browsers and agent caches, a fresh temporary
store. So a figure is the wall time a user waits for `eclair bench … --executor E --workers N`, start-up included.
The one thing left out of the Ray figures is starting Ray itself (a cluster is started once and reused); it is
reported per configuration as `ray_start_s`.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from eclair.bench.executors import parse_executor
from eclair.bench.harness import SuiteResult, run_suite
from eclair.config import Settings
from eclair.errors import EclairError

DEFAULT_TASKS = ("click-button", "click-link", "focus-text", "click-test")


def parse_counts(text: str) -> list[int]:
    """'1,2,4' as [1, 2, 4]; anything else names the fix."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise EclairError(f"--workers {text!r} is not a comma-separated list of counts >= 1, e.g. 1,2,4")
    return counts


def run_scale_benchmark(
    settings: Settings,
    *,
    executors: Sequence[str],
    workers: Sequence[int],
    tasks: Sequence[str] = DEFAULT_TASKS,
    episodes: int = 1,
    seed: int = 0,
    agent: str | None = None,
    on_config: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run the episodes once per (executor, workers), each in a fresh process; episodes/min and Ray's overhead."""
    from eclair.bench.miniwob import make_envs, resolve_tasks, serve_miniwob

    kinds = [str(parse_executor(e)) for e in executors]
    names = resolve_tasks(",".join(tasks), None)
    load_at_start = _load()
    configs: list[dict[str, Any]] = []
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no warm caches from the configs before
    with serve_miniwob() as server:
        envs = make_envs(names, server)  # they travel to the child as the server's address
        for count in workers:  # each pair compared runs back to back: the machine's load drifts less between them
            for kind in kinds:
                with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                    job = pool.submit(_one_config, settings, envs, kind, count, episodes, seed, agent)
                    configs.append(job.result())
                if on_config is not None:
                    on_config(configs[-1])
    return {
        "tasks": list(names),
        "episodes_per_task": episodes,
        "seed": seed,
        "agent": agent or settings.agent,
        "cpus": os.cpu_count(),
        "load_avg_start": load_at_start,
        "configs": configs,
        "same_outcomes": len({tuple(map(tuple, c["outcomes"])) for c in configs}) == 1,
        "ray_over_threads": _overheads(configs),
        "load_avg_end": _load(),
    }


def _one_config(
    settings: Settings, envs: list[Any], kind: str, count: int, episodes: int, seed: int, agent: str | None
) -> dict[str, Any]:
    """One configuration in this (fresh) process: start Ray if asked (timed apart), then the timed suite."""
    from eclair.critics import default_panel
    from eclair.store import Store

    executor = parse_executor(kind)
    ray_start_s = None
    if executor.kind == "ray":
        from eclair.bench.ray_executor import ensure_ray

        t0 = time.perf_counter()
        ensure_ray(executor.address, num_cpus=max(count, os.cpu_count() or 1))
        ray_start_s = round(time.perf_counter() - t0, 1)
    with tempfile.TemporaryDirectory(prefix="eclair-scale-") as tmp:
        local = settings.with_overrides(
            data_dir=Path(tmp) / "data", traces_dir=Path(tmp) / "traces", models_dir=settings.model_root
        )
        store = Store(local)
        started = time.perf_counter()
        first: list[float] = []  # when the first episode came back: start-up plus one episode
        result = run_suite(
            envs,
            agent_name=agent or settings.agent,
            settings=local,
            episodes=episodes,
            seed=seed,
            workers=count,
            store=store,
            critics=default_panel(),
            suite="scale",
            executor=executor,
            on_result=lambda _r: first.append(time.perf_counter() - started),
        )
        wall_s = time.perf_counter() - started
        store.close()
    return _figures(kind, count, result, wall_s, min(first)) | {"ray_start_s": ray_start_s}


def _figures(executor: str, workers: int, result: SuiteResult, wall_s: float, first_s: float) -> dict[str, Any]:
    done = result.results
    return {
        "executor": executor.split(":")[0],
        "workers": workers,
        "episodes": len(done),
        "wall_s": round(wall_s, 1),
        "first_episode_back_s": round(first_s, 1),
        "episodes_per_min": round(len(done) / wall_s * 60, 2),
        "success": round(sum(r.success for r in done) / len(done), 3) if done else 0.0,
        "errors": sum(r.error is not None for r in done),
        "outcomes": [[r.env, r.seed, r.success, r.steps] for r in done],
    }


def _overheads(configs: list[dict[str, Any]]) -> dict[str, float]:
    """Ray's wall time over the threads' at each worker count both ran (1.0: no overhead)."""
    walls = {(c["executor"], c["workers"]): c["wall_s"] for c in configs}
    return {
        str(n): round(walls[("ray", n)] / walls[("threads", n)], 2)
        for (kind, n) in walls
        if kind == "ray" and ("threads", n) in walls
    }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
