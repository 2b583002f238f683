"""`eclair bench store`: how long a crash-safe step commit takes, alone and with concurrent writers."""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.store.store import Store
from eclair.types import Action, ActionResult, Decision, Element, Observation, StepRecord, Task, Usage, Verdict

SCREENSHOT = bytes(60_000)  # about a compressed 1280x800 page screenshot


def _step(index: int) -> StepRecord:
    elements = [Element(id=str(i), role="button", name=f"Button {i}") for i in range(60)]
    obs = Observation(url="http://app.test/x", elements=elements, text="\n".join(f"[{i}] button" for i in range(60)))
    decision = Decision(action=Action(kind="click", element="3"), prompt="p" * 2000, usage=Usage(tokens_in=900))
    return StepRecord(
        index=index,
        observation=obs,
        decision=decision,
        result=ActionResult(ok=True),
        verdicts=[Verdict(label="pass", critic="rules")],
    )


def _write_steps(store: Store, steps: int, latencies: list[float]) -> None:
    run = store.create_run(Task(text="bench"), agent="bench").id
    store.start_run(run)
    for i in range(steps):
        start = time.perf_counter()
        store.record_step(run, _step(i), SCREENSHOT)
        latencies.append((time.perf_counter() - start) * 1000)
    store.finish_run(run, "succeeded")


def run_store_benchmark(
    *, steps: int = 200, writers: int = 8, root: Path | None = None, db_url: str = ""
) -> dict[str, Any]:
    """Per-step commit latency (p50/p95/p99 ms) and throughput for 1 and `writers` concurrent writers.

    `db_url` empty: a fresh SQLite file (WAL) in a temporary folder; else that (empty) database, e.g. Postgres."""
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        store = Store(Settings(data_dir=Path(tmp) / "data", traces_dir=Path(tmp) / "traces", db_url=db_url))
        single: list[float] = []
        t0 = time.perf_counter()
        _write_steps(store, steps, single)
        single_s = time.perf_counter() - t0

        many: list[float] = []
        per_writer = max(1, steps // writers)
        threads = [threading.Thread(target=_write_steps, args=(store, per_writer, many)) for _ in range(writers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        many_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        store.list_runs(limit=50)
        list_ms = (time.perf_counter() - t0) * 1000
        dialect = store.engine.dialect.name
        store.close()
    return {
        "database": dialect,
        "steps_single": steps,
        "single_p50_ms": round(statistics.median(single), 2),
        "single_p95_ms": _quantile(single, 95),
        "single_steps_per_s": round(steps / single_s, 1),
        "writers": writers,
        "concurrent_steps": len(many),
        "concurrent_p50_ms": round(statistics.median(many), 2),
        "concurrent_p95_ms": _quantile(many, 95),
        "concurrent_p99_ms": _quantile(many, 99),
        "concurrent_steps_per_s": round(len(many) / many_s, 1),
        "list_runs_ms": round(list_ms, 2),
    }


def run_store_comparison(*, databases: list[str], steps: int, writers: int) -> dict[str, dict[str, Any]]:
    """The benchmark on each of `databases` (sqlite: WAL file; postgres: a throw-away local server, fsync on)."""
    out: dict[str, dict[str, Any]] = {}
    for name in databases:
        if name == "sqlite":
            out[name] = run_store_benchmark(steps=steps, writers=writers)
        else:
            from eclair.store.pg_local import local_postgres

            with local_postgres(fsync=True) as server:  # durable commits, like SQLite's synchronous=FULL
                out[name] = run_store_benchmark(steps=steps, writers=writers, db_url=server.create_database())
    return out


def _quantile(values: list[float], percent: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[percent - 1], 2)
