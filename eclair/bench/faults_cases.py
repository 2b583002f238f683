"""The cases of `eclair bench faults`, by name: how each fault is set up, struck and cleared before the resume."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eclair.bench import faults_inject as inject
from eclair.bench.faults import (
    FAULT_AT,
    MODEL_STEPS,
    FaultAgent,
    _settings,
    _task,
    browser_fault,
    resume_with,
    run_with_fault,
    scripted,
    sigkill_fault,
)
from eclair.bench.faults_check import check_resumed, check_run
from eclair.config import Settings

Case = Callable[[Path, str], dict[str, Any]]


def _finish_or_resume(run_id: str, agent: FaultAgent, settings: Settings, fresh: Callable[[], FaultAgent]) -> dict:
    row = check_run(run_id, agent.committed, settings)
    if not row.get("finished"):
        row["resume"] = check_resumed(run_id, agent.committed, settings, resume_with(run_id, fresh(), settings))
    return row


def sqlite_locked(work: Path, base_url: str) -> dict[str, Any]:
    settings = _settings(work)
    agent = scripted(inject.hold_sqlite_lock(Path(settings.database_url.removeprefix("sqlite:///"))))
    run_id, raised = run_with_fault(_task("db-locked-sqlite", base_url), agent, settings)
    return _finish_or_resume(run_id, agent, settings, scripted) | {"raised": raised}


def postgres_locked(work: Path, base_url: str) -> dict[str, Any]:
    from eclair.store.pg_local import find_pg_bin, local_postgres

    if find_pg_bin() is None:
        return {"status": "not run", "error": "PostgreSQL is not installed", "lost": 0, "skipped": True}
    with local_postgres(fsync=False) as server:
        settings = _settings(work, db_url=server.create_database())
        agent = scripted(inject.hold_postgres_lock(settings.database_url))
        run_id, raised = run_with_fault(_task("db-locked-postgres", base_url), agent, settings)
        return _finish_or_resume(run_id, agent, settings, scripted) | {"raised": raised}


def disk_full(work: Path, base_url: str) -> dict[str, Any]:
    """The traces folder is a 16 MiB tmpfs, filled to the last byte when the fault strikes."""
    try:
        with inject.small_disk(work / "traces") as traces:
            settings = _settings(work, traces_dir=traces)
            box: dict[str, Path] = {}
            agent = scripted(lambda: box.update(ballast=inject.fill_disk(traces)))
            run_id, raised = run_with_fault(_task("disk-full", base_url), agent, settings)
            row = check_run(run_id, agent.committed, settings) | {"raised": raised}
            box["ballast"].unlink()  # space again: the resume can write
            row["resume"] = check_resumed(run_id, agent.committed, settings, resume_with(run_id, scripted(), settings))
            return row
    except PermissionError as exc:
        return {"status": "not run", "error": str(exc), "lost": 0, "skipped": True}


def model_fault(mode: str) -> Case:
    """The eclair JSON agent on the misbehaving server; at step FAULT_AT the server switches to `mode`."""

    def run(work: Path, base_url: str) -> dict[str, Any]:
        from eclair.bench.faults_model import MODEL, misbehaving_server
        from eclair.models import load_backend
        from eclair.plugins import make_agent

        with misbehaving_server(base_url, MODEL_STEPS) as (api, state):
            settings = _settings(
                work, backend="openai", openai_base_url=api, openai_api_key="x", model=MODEL, request_timeout_s=2.0
            )
            policy = lambda: make_agent("eclair", load_backend(settings))  # noqa: E731
            agent = FaultAgent(policy(), lambda: setattr(state, "mode", mode))
            task = _task(f"model-{mode}", base_url, "/plain")
            run_id, raised = run_with_fault(task, agent, settings)
            requests_at_fault = state.requests
            state.mode = "ok"  # the endpoint is healthy again
            row = _finish_or_resume(run_id, agent, settings, lambda: FaultAgent(policy()))
            return row | {"raised": raised, "model_requests": requests_at_fault}

    return run


CASES: dict[str, Case] = {
    "browser-crash": browser_fault("browser-crash", lambda box: inject.kill_browser()),
    "page-crash": browser_fault("page-crash", lambda box: inject.crash_page()),
    "network-abort": browser_fault("network-abort", lambda box: inject.abort_network(box["page"])),
    "sigkill-eclair": sigkill_fault,
    "model-timeout": model_fault("sleep"),
    "model-junk-output": model_fault("junk"),
    "model-invalid-json": model_fault("bad-body"),
    "db-locked-sqlite": sqlite_locked,
    "db-locked-postgres": postgres_locked,
    "disk-full-traces": disk_full,
}
assert FAULT_AT < MODEL_STEPS
