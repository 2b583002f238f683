"""`eclair bench scale`: episodes per minute for each executor × worker count on the same MiniWoB++ episodes.

Every configuration runs the same (task, seed) episodes from scratch: its own model load (threads: in this
process; Ray: one ModelHost per node), its own browsers, a fresh temporary store. So a figure is the wall time a
user waits for `eclair bench … --executor E --workers N`, start-up included. The one thing left out of the Ray
figures is starting Ray itself (a cluster is started once and reused); it is reported as `ray_start_s`.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
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
    """Run the episodes once per (executor, workers); episodes/min, outcomes and Ray's overhead ratio."""
    from eclair.bench.miniwob import make_envs, resolve_tasks, serve_miniwob
    from eclair.critics import default_panel

    kinds = [parse_executor(e) for e in executors]
    names = resolve_tasks(",".join(tasks), None)
    load_at_start = _load()
    ray_start_s = _start_ray(kinds, max(workers))
    configs: list[dict[str, Any]] = []
    with serve_miniwob() as server:
        envs = make_envs(names, server)
        for count in workers:  # each pair compared runs back to back: the machine's load drifts less between them
            for kind in kinds:
                with tempfile.TemporaryDirectory(prefix="eclair-scale-") as tmp:
                    local = settings.with_overrides(
                        data_dir=Path(tmp) / "data", traces_dir=Path(tmp) / "traces", models_dir=settings.model_root
                    )
                    from eclair.store import Store

                    started = time.perf_counter()
                    first: list[float] = []  # when the first episode came back: start-up plus one episode
                    result = run_suite(
                        envs,
                        agent_name=agent or settings.agent,
                        settings=local,
                        episodes=episodes,
                        seed=seed,
                        workers=count,
                        store=Store(local),
                        critics=default_panel(),
                        suite="scale",
                        executor=kind,
                        on_result=lambda _r, t0=started, seen=first: seen.append(time.perf_counter() - t0),
                    )
                    configs.append(_figures(str(kind), count, result, time.perf_counter() - started, min(first)))
                if on_config is not None:
                    on_config(configs[-1])
    return {
        "tasks": list(names),
        "episodes_per_task": episodes,
        "seed": seed,
        "agent": agent or settings.agent,
        "cpus": os.cpu_count(),
        "load_avg_start": load_at_start,
        "ray_start_s": ray_start_s,
        "configs": configs,
        "same_outcomes": len({tuple(map(tuple, c["outcomes"])) for c in configs}) == 1,
        "ray_over_threads": _overheads(configs),
        "load_avg_end": _load(),
    }


def _start_ray(kinds: Sequence[Any], most_workers: int) -> float | None:
    ray_kinds = [k for k in kinds if k.kind == "ray"]
    if not ray_kinds:
        return None
    from eclair.bench.ray_executor import ensure_ray

    started = time.perf_counter()
    ensure_ray(ray_kinds[0].address, num_cpus=max(most_workers, os.cpu_count() or 1))
    return round(time.perf_counter() - started, 1)


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
