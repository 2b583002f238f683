"""Where a suite's episodes run: `threads` (browser contexts in this process) or `ray[:ADDRESS]` (Ray actors).

Both take the same (env, seed, episode) jobs and hand each EpisodeResult to the same `record` callback, so the
caller cannot tell them apart except by speed; the episode itself is always `harness.run_episode`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eclair.errors import EclairError

if TYPE_CHECKING:
    from eclair.bench.harness import EpisodeResult
    from eclair.config import Settings
    from eclair.types import TaskEnvironment

Job = tuple["TaskEnvironment", int, int]  # (env, seed, episode)
EXECUTOR_HELP = "threads (this process) or ray[:ADDRESS] (Ray actors; no address: a local Ray is started)."


class BadExecutor(EclairError):
    """`--executor` is not threads, ray or ray:ADDRESS."""


@dataclass(frozen=True)
class Executor:
    kind: str = "threads"  # "threads" | "ray"
    address: str | None = None  # ray only: a cluster address ("auto", "10.0.0.5:6379", "ray://…"); None starts one

    def __str__(self) -> str:
        return f"ray:{self.address}" if self.address else self.kind


def parse_executor(text: str | Executor | None) -> Executor:
    """`threads`, `ray` or `ray:ADDRESS` as an Executor; anything else is a BadExecutor naming the fix."""
    if isinstance(text, Executor):
        return text
    value = (text or "threads").strip()
    if value in ("threads", "ray"):
        return Executor(value)
    if value.startswith("ray:") and value[4:].strip():
        return Executor("ray", value[4:].strip())
    raise BadExecutor(f"--executor {value!r} is not threads, ray or ray:ADDRESS (e.g. ray:auto or ray:10.0.0.5:6379)")


@dataclass
class EpisodeWork:
    """What every worker needs to run an episode: built once per suite by run_suite."""

    settings: Settings
    store: Any
    critics: Any
    factory: Callable[[Any], Any]  # backend (or None) -> a fresh agent
    tracing: bool = False
    backend: Any = None  # threads: the loaded (shared) backend
    load: tuple[str | None, str | None] | None = None  # ray: (backend, model) each node loads; None: no model


def run_threads(jobs: Sequence[Job], work: EpisodeWork, workers: int, record: Callable[[EpisodeResult], None]) -> None:
    """`workers` threads, each with its own Playwright browser, pull jobs until none are left."""
    pending: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    failures: list[BaseException] = []

    def work_loop() -> None:
        try:
            _thread_worker(pending, work, record)
        except BaseException as exc:  # surfaced in the caller's thread below
            failures.append(exc)

    if workers == 1:
        work_loop()
    else:
        threads = [threading.Thread(target=work_loop, name=f"bench-worker-{i}") for i in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if failures:
        raise failures[0]


def _thread_worker(pending: queue.Queue[Job], work: EpisodeWork, record: Callable[[EpisodeResult], None]) -> None:
    from eclair.assemble import RunParts
    from eclair.bench.harness import run_episode
    from eclair.browser import open_browser

    parts = RunParts(store=work.store, agent=work.factory(work.backend), critics=work.critics, backend=work.backend)
    with open_browser(work.settings) as browser:  # one Playwright instance per thread (sync API is thread-bound)
        while True:
            try:
                env, seed, episode = pending.get_nowait()
            except queue.Empty:
                return
            w = work
            record(run_episode(env, seed, parts, browser, settings=w.settings, tracing=w.tracing, episode=episode))
