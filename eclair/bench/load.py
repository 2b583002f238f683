"""`eclair bench load`: N demo-workflow runs at once, each its own eclair process with its own Chromium and the
configured agent and model, all writing one store. Do they all complete, with no database error?

A run completes when its row reaches a final status (succeeded, failed, needs_review) and its process exits on its
own; a database error is any lock/busy/OperationalError line a process printed, or a run left pending/running.
The per-run wall time is the process's, start to exit (model load included), so it shows the cost of sharing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eclair.config import Settings, load_settings

FINAL = ("succeeded", "failed", "needs_review")
DB_ERROR_CUES = ("database is locked", "database is busy", "OperationalError", "DatabaseUnavailable")


def _child(workflow: str, seed: int) -> None:
    """One load run: the demo workflow with the configured agent; prints one JSON line."""
    from eclair.demo_run import run_demo_workflow
    from eclair.errors import terminate_politely

    terminate_politely()  # a timeout's SIGTERM closes the run as interrupted, as under `eclair`
    started = time.perf_counter()
    result = run_demo_workflow(workflow, load_settings(), seed=seed)
    wall = round(time.perf_counter() - started, 2)
    print(json.dumps({"run_id": result.run_id, "status": result.status, "checker": result.success, "run_s": wall}))


def run_load_bench(*, runs: int, suite: str, max_steps: int, json_path: Path | None) -> dict[str, Any]:
    from eclair.plugins import environments
    from eclair.store import Store

    workflows = environments().resolve(suite)
    work = Path(tempfile.mkdtemp(prefix="eclair-bench-load-"))
    settings: Settings = load_settings().with_overrides(data_dir=work / "data", traces_dir=work / "traces")
    Store(settings).close()  # the schema exists before the runs race to open it
    env = {
        **os.environ,
        "ECLAIR_DATA_DIR": str(settings.data_dir),
        "ECLAIR_TRACES_DIR": str(settings.traces_dir),
        "ECLAIR_MAX_STEPS": str(max_steps),
        "ECLAIR_MODELS_DIR": str(load_settings().model_root),
    }
    env.pop("ECLAIR_DB_URL", None)
    started = time.perf_counter()
    procs = []
    for i in range(runs):
        workflow, seed = workflows[i % len(workflows)], i // len(workflows)
        cmd = [sys.executable, "-m", "eclair.bench.load", workflow, str(seed)]
        procs.append(
            (
                workflow,
                seed,
                time.perf_counter(),
                subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE),
            )
        )
    rows = []
    for workflow, seed, t0, proc in procs:
        out, err = proc.communicate(timeout=1800)
        wall = round(time.perf_counter() - t0, 1)
        line = next((ln for ln in out.decode().splitlines()[::-1] if ln.startswith("{")), "{}")
        text = err.decode()
        db_errors = sum(text.count(cue) for cue in DB_ERROR_CUES)
        rows.append(
            {
                "workflow": workflow,
                "seed": seed,
                "exit": proc.returncode,
                "wall_s": wall,
                "db_errors": db_errors,
                **json.loads(line),
            }
        )
    total = round(time.perf_counter() - started, 1)
    store = Store(settings)
    store.mark_interrupted()
    statuses = {r.id: r.status for r in store.list_runs(limit=runs * 2)}
    for row in rows:
        row["stored_status"] = statuses.get(row.get("run_id", ""), "missing")
        row["complete"] = row["stored_status"] in FINAL and row["exit"] == 0
    report = {
        "runs": rows,
        "n": runs,
        "complete": sum(r["complete"] for r in rows),
        "db_errors": sum(r["db_errors"] for r in rows) + sum(s not in FINAL for s in statuses.values()),
        "total_wall_s": total,
        "cpus": os.cpu_count(),
        "suite": suite,
        "max_steps": max_steps,
    }
    _print(report)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=1))
        print(f"json: {json_path}")
    return report


def _print(report: dict[str, Any]) -> None:
    print("run | workflow | seed | status | checker | steps budget | wall s (process) | run s (in process) | DB errors")
    print("--- | --- | --- | --- | --- | --- | --- | --- | ---")
    for i, r in enumerate(report["runs"]):
        checker = {True: "pass", False: "fail", None: "-"}[r.get("checker")]
        print(
            f"{i + 1} | {r['workflow']} | {r['seed']} | {r['stored_status']} | {checker} | {report['max_steps']} | "
            f"{r['wall_s']} | {r.get('run_s', '-')} | {r['db_errors']}"
        )
    print(
        f"{report['complete']}/{report['n']} complete, {report['db_errors']} DB errors, "
        f"{report['total_wall_s']} s for all on {report['cpus']} CPUs"
    )


if __name__ == "__main__":  # one load run (a child process)
    _child(sys.argv[1], int(sys.argv[2]))
