"""One thread runs every torch computation of the process.

Why: GNU OpenMP (torch's CPU threading) gives each calling thread its own team of worker threads. Once two threads
have run torch (the runner decides on a worker thread while critics and training run on the main thread), more
OpenMP threads exist than cores, and libgomp then throttles every team's spin-waits to almost nothing. Measured on
2 cores: the same scoring call took 1.6–2.2x as long, in every thread, for the rest of the process
(benchmarks/results/decision-latency.md). Sending all model work through one long-lived thread keeps one team.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_thread: threading.Thread | None = None
_jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()


def _serve() -> None:
    from eclair.models.local import apply_thread_limit

    try:
        apply_thread_limit()
    except Exception:  # a bad ECLAIR_TORCH_THREADS is reported by the caller's own apply_thread_limit()
        pass
    while True:
        job, done = _jobs.get()
        if not done.set_running_or_notify_cancel():
            continue
        try:
            done.set_result(job())
        except BaseException as exc:
            done.set_exception(exc)


def _ensure_thread() -> threading.Thread:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            # A daemon: Ctrl-C in the main thread ends the process even while a long training step runs.
            _thread = threading.Thread(target=_serve, name="eclair-torch", daemon=True)
            _thread.start()
        return _thread


def on_compute_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `fn(*args, **kwargs)` on the process's torch thread and return its result (re-entrant)."""
    thread = _ensure_thread()
    if threading.current_thread() is thread:
        return fn(*args, **kwargs)
    done: Future[T] = Future()
    _jobs.put((lambda: fn(*args, **kwargs), done))
    return done.result()
