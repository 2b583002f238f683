"""What `eclair bench faults` checks after a fault, as a new process would see it: the run's status and reason,
each committed step's DB row, step JSON and screenshot, trace.zip, and whether a resume finished the run."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.store.traces import step_stem

Key = tuple[int, int]  # (step index, attempt)


def _parses(path: Path, index: int) -> bool:
    try:
        return json.loads(path.read_text()).get("index") == index
    except (OSError, ValueError, AttributeError):
        return False


def _trace_state(run_dir: Path) -> str:
    zips = sorted(run_dir.glob("trace*.zip"))
    if not zips:
        return "not written" + (
            " (cut short: kept as trace.zip.incomplete)" if (run_dir / "trace.zip.incomplete").exists() else ""
        )
    bad = [z.name for z in zips if not zipfile.is_zipfile(z)]
    return f"CORRUPT ({', '.join(bad)})" if bad else f"intact ({len(zips)} file{'s' * (len(zips) > 1)})"


def check_run(run_id: str, committed: list[Key], settings: Settings) -> dict[str, Any]:
    """The run as stored: status, reason, and the committed steps the agent saw, each with its row and files."""
    from eclair.store import Store

    if not run_id:
        return {"status": "no run", "error": "no run was created", "lost": len(committed), "survived": False}
    store = Store(settings)  # as a new process: marks runs whose process died interrupted
    info = store.get_run(run_id)
    steps = store.get_steps(run_id, verification=True)
    run_dir = store.run_dir(run_id)
    rows = {(s.index, s.attempt): s for s in steps}
    damaged = []
    for key, step in rows.items():
        if not _parses(run_dir / f"{step_stem(*key)}.json", key[0]):
            damaged.append(f"{step_stem(*key)}.json")
        if step.screenshot_path and not (store.traces_root / step.screenshot_path).exists():
            damaged.append(f"{step_stem(*key)}.png")
    lost = [key for key in committed if key not in rows]
    files = {p.stem for p in run_dir.glob("step-*.json")}
    uncommitted = sorted(files - {step_stem(*k) for k in rows})
    trace = _trace_state(run_dir)
    return {
        "run_id": run_id,
        "status": info.status,
        "error": info.error,
        "committed_at_fault": len(committed),
        "rows": len(rows),
        "lost": len(lost) + len(damaged),
        "damaged": damaged,
        "files_without_row": uncommitted,
        "trace": trace,
        "finished": bool(steps) and steps[-1].decision.action.kind == "done",
    }


def check_resumed(run_id: str, committed: list[Key], settings: Settings, how: dict[str, Any]) -> dict[str, Any]:
    """After `eclair runs resume`: the earlier steps kept, the step indices gap-free, the run finished."""
    from eclair.store import Store

    store = Store(settings)
    info = store.get_run(run_id)
    steps = store.get_steps(run_id)
    keys = {(s.index, s.attempt) for s in steps}
    indices = sorted({s.index for s in steps})
    finished = bool(steps) and steps[-1].decision.action.kind == "done"
    kept = all(k in keys for k in committed)
    ok = finished and kept and indices == list(range(len(indices))) and info.status not in ("failed", "interrupted")
    traces = {z.name: _actions_in(z) for z in sorted(store.run_dir(run_id).glob("trace*.zip"))}
    return how | {
        "final_status": info.status,
        "steps": len(indices),
        "kept_earlier": kept,
        "ok": ok,
        "traces_after": traces,
    }


def _actions_in(trace_zip: Path) -> int | str:
    """How many browser actions a trace zip records (what the viewer lists); CORRUPT when it does not open."""
    try:
        with zipfile.ZipFile(trace_zip) as zf:
            events = zf.read("trace.trace").decode("utf-8", "replace").splitlines()
    except (OSError, KeyError, zipfile.BadZipFile):
        return "CORRUPT"
    return sum(1 for line in events if line.startswith('{"type":"before"'))


def survived(row: dict[str, Any]) -> bool:
    """Nothing committed lost, a clear status (with a reason unless it finished), no corrupt trace, and either it
    finished despite the fault or a resume finished it."""
    clear = row.get("status") in ("succeeded", "needs_review", "failed", "interrupted") and (
        row.get("finished") or bool(row.get("error"))
    )
    resume = row.get("resume") or {}
    done = row.get("finished") or resume.get("ok", False)
    return bool(clear and row.get("lost") == 0 and not str(row.get("trace", "")).startswith("CORRUPT") and done)


def print_table(rows: list[dict[str, Any]]) -> None:
    print("fault | survived | status (reason) | committed at fault | lost | trace | resume | wall s")
    print("--- | --- | --- | --- | --- | --- | --- | ---")
    for r in rows:
        reason = (r.get("error") or "").splitlines()[0][:90].replace("|", "/") if r.get("error") else ""
        resume = r.get("resume") or {}
        if r.get("finished") and not resume:
            resumed = "not needed (finished)"
        else:
            resumed = f"{resume.get('mode', '-')}: {resume.get('final_status', resume.get('status', '-'))}"
            resumed += (
                f", {resume.get('steps', '?')} steps" if resume.get("ok") else f" FAILED {resume.get('error') or ''}"
            )
            after = resume.get("traces_after") or {}
            resumed += "; traces after: " + (", ".join(f"{k} ({v} actions)" for k, v in after.items()) or "none")
        print(
            f"{r['fault']} | {'yes' if r.get('survived') else 'NO'} | {r.get('status')} ({reason}) | "
            f"{r.get('committed_at_fault', '-')} | {r.get('lost')} | {r.get('trace', '-')} | {resumed} | "
            f"{r.get('wall_s')}"
        )
