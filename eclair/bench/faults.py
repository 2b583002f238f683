"""`eclair bench faults`: faults injected during real runs; is every committed step still there, is the status
clear, and does `eclair runs resume` finish the run?

Each run is real: runner, Chromium, a SQL store (SQLite; Postgres too when installed), tracing. The policy is a
scripted agent on a demo form (type, type, save, open a page, type, done), or, for the model faults, the eclair
JSON agent talking to an OpenAI-compatible server that misbehaves on purpose (eclair.bench.faults_model). When
the agent decides step FAULT_AT the fault strikes (eclair.bench.faults_inject). Afterwards the store is opened
as a new process would, the committed steps are compared with the DB rows and the step files, trace.zip is
opened, and the run is resumed with the fault gone (browser restarted, network back, disk freed, model healthy).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eclair.bench.faults_check import check_resumed, check_run, print_table, survived
from eclair.bench.security import ScriptedAgent
from eclair.bench.security_pages import serve_leak_pages
from eclair.config import Settings, load_settings
from eclair.resume import next_step_after
from eclair.run_end import first_line
from eclair.types import Agent, Decision, Observation, StepRecord, Task

FAULT_AT = 2  # the fault strikes when the agent decides this step (0-based): two steps are committed by then
START = "/echo"
STEPS = (
    ("type", "Name", "value 0"),
    ("type", "Name", "value 1"),
    ("click", "Save", None),
    ("goto", None, "{base}/plain"),
    ("type", "Token", "value 4"),
    ("done", None, "finished"),
)
MODEL_STEPS = 4  # the misbehaving server's script: four page visits, then done


class FaultAgent:
    """Wraps a policy; when it is about to decide step FAULT_AT the first time, the fault strikes first."""

    def __init__(self, inner: Agent, fault: Callable[[], None] | None = None) -> None:
        self.inner, self.fault = inner, fault
        self.name = f"fault-{inner.name}"
        self.uses_screenshot = getattr(inner, "uses_screenshot", True)
        self.committed: list[tuple[int, int]] = []  # the steps committed when the fault struck

    def begin(self, task: Task) -> None:
        self.inner.begin(task)

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        index = next_step_after(history)[0]
        if self.fault is not None and index == FAULT_AT:
            fault, self.fault = self.fault, None
            self.committed = [(h.index, h.attempt) for h in history]
            fault()
        if isinstance(self.inner, ScriptedAgent):
            self.inner._next = index  # the script follows the stored history, so a resumed run goes on
        return self.inner.decide(task, obs, history)


def scripted(fault: Callable[[], None] | None = None) -> FaultAgent:
    return FaultAgent(ScriptedAgent(STEPS), fault)


def run_with_fault(
    task: Task, agent: FaultAgent, settings: Settings, box: dict[str, Any] | None = None
) -> tuple[str, str | None]:
    """One real run in this process; returns (run id, the exception that escaped, if any)."""
    from eclair.assemble import RunParts, build_run
    from eclair.browser import navigate
    from eclair.runner import browser_page, run_task
    from eclair.store import Store

    store = Store(settings)
    raised = None
    try:
        with browser_page(settings) as page:
            if box is not None:
                box["page"] = page
            spec = build_run(task, RunParts(store=store, agent=agent, critics=None), settings)
            navigate(page, task.start_url or "")
            run_task(spec, page, store=store)
    except Exception as exc:  # the fault may surface as an exception: the run row must still say what happened
        raised = f"{type(exc).__name__}: {first_line(exc, 120)}"
    runs = Store(settings, recover=False).list_runs(limit=1)
    return (runs[0].id if runs else ""), raised


def resume_with(run_id: str, agent: FaultAgent, settings: Settings) -> dict[str, Any]:
    from eclair.assemble import RunParts
    from eclair.resume import ResumePlan, resume_run
    from eclair.store import Store

    how: dict[str, Any] = {}

    def note(plan: ResumePlan, problems: list[str]) -> None:
        how.update(mode=plan.mode, why=plan.why, replayed=len(plan.replay), replay_problems=problems)

    store = Store(settings)
    try:
        outcome = resume_run(run_id, settings, parts=RunParts(store=store, agent=agent, critics=None), on_plan=note)
        how.update(status=outcome.status, error=outcome.error)
    except Exception as exc:
        how.update(status="resume raised", error=f"{type(exc).__name__}: {first_line(exc, 160)}")
    return how


def _settings(work: Path, **overrides: Any) -> Settings:
    base = dict(data_dir=work / "data", traces_dir=work / "traces", max_retries=1, durability="power")
    return load_settings().with_overrides(**{**base, **overrides})


def _task(name: str, base_url: str, path: str = START) -> Task:
    return Task(
        text=f"fault {name}: fill in the name twice, save, open the token page, fill it in",
        start_url=base_url + path,
        max_steps=10,
    )


def browser_fault(name: str, inject: Callable[[dict[str, Any]], None]) -> Callable[[Path, str], dict[str, Any]]:
    """A fault in the browser (crash, page crash, network): resumed in a fresh browser with no fault."""

    def run(work: Path, base_url: str) -> dict[str, Any]:
        settings = _settings(work)
        box: dict[str, Any] = {}
        agent = scripted(lambda: inject(box))
        run_id, raised = run_with_fault(_task(name, base_url), agent, settings, box)
        row = check_run(run_id, agent.committed, settings) | {"raised": raised}
        row["resume"] = check_resumed(run_id, agent.committed, settings, resume_with(run_id, scripted(), settings))
        return row

    return run


def sigkill_fault(work: Path, base_url: str) -> dict[str, Any]:
    """eclair itself SIGKILLed mid-run (a child process); the next store open marks the run interrupted."""
    settings = _settings(work)
    committed_file = work / "committed.json"
    env = {**os.environ, "ECLAIR_DATA_DIR": str(settings.data_dir), "ECLAIR_TRACES_DIR": str(settings.traces_dir)}
    child = subprocess.run(
        [sys.executable, "-m", "eclair.bench.faults", base_url, str(committed_file)],
        env=env,
        capture_output=True,
        timeout=300,
    )
    from eclair.store import Store

    runs = Store(settings, recover=False).list_runs(limit=1)
    run_id = runs[0].id if runs else ""
    committed = [tuple(k) for k in json.loads(committed_file.read_text())] if committed_file.exists() else []
    row = check_run(run_id, committed, settings)  # type: ignore[arg-type]
    row["raised"] = f"child exit {child.returncode}" + (" (SIGKILL)" if child.returncode == -signal.SIGKILL else "")
    row["resume"] = check_resumed(run_id, committed, settings, resume_with(run_id, scripted(), settings))  # type: ignore[arg-type]
    return row


def _child_main(base_url: str, committed_file: Path) -> None:
    settings = load_settings().with_overrides(max_retries=1)
    agent = scripted()

    def kill_self() -> None:
        committed_file.write_text(json.dumps(agent.committed))
        os.kill(os.getpid(), signal.SIGKILL)

    agent.fault = kill_self
    run_with_fault(_task("sigkill-eclair", base_url), agent, settings)


def run_faults_bench(
    *, json_path: Path | None, only: list[str] | None = None, work_root: Path | None = None
) -> dict[str, Any]:
    """Run the fault cases (all, or `only` these), print the table, write the JSON; work files under `work_root`."""
    from eclair.bench.faults_cases import CASES

    work_root = work_root or Path(tempfile.mkdtemp(prefix="eclair-bench-faults-"))
    rows = []
    with serve_leak_pages() as base_url:
        for name, case in CASES.items():
            if only and name not in only:
                continue
            started = time.perf_counter()
            try:
                row = case(work_root / name, base_url)
            except Exception as exc:  # one broken case must not hide the others' results
                row = {"status": "bench error", "error": f"{type(exc).__name__}: {first_line(exc)}", "lost": -1}
            row["survived"] = survived(row)
            rows.append({"fault": name, **row, "wall_s": round(time.perf_counter() - started, 1)})
    lost = sum(max(r.get("lost", 0), 0) for r in rows)
    n_survived = sum(1 for r in rows if r.get("survived"))
    ran = [r for r in rows if not r.get("skipped")]
    print_table(rows)
    print(
        f"faults survived: {n_survived}/{len(ran)} ({len(rows) - len(ran)} not run); "
        f"committed steps lost or damaged: {lost}"
    )
    report = {"faults": rows, "survived": n_survived, "total": len(ran), "lost": lost, "fault_at": FAULT_AT}
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=1, default=str))
        print(f"json: {json_path}")
    return report


if __name__ == "__main__":  # the child of the SIGKILL fault
    _child_main(sys.argv[1], Path(sys.argv[2]))
