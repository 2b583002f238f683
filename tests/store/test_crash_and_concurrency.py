"""Crash safety and concurrent writers, for real: separate processes, SIGKILL, 8 writers on one SQLite file."""

from __future__ import annotations

import json
import multiprocessing
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from eclair.config import Settings
from eclair.store import Store
from eclair.types import Task, Verdict
from tests.store.conftest import make_step

WRITER = Path(__file__).with_name("writer_proc.py")
N_WRITERS = 8


def _spawn(settings: Settings, steps: int, delay: float, durability: str = "power") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(WRITER),
            str(settings.data_dir),
            str(settings.traces_dir),
            str(steps),
            str(delay),
            durability,
            settings.db_url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("durability", ["power", "crash"])
def test_sigkill_mid_run_keeps_committed_steps_and_marks_run_interrupted(settings: Settings, durability: str) -> None:
    # "crash" skips the fsyncs and commits with synchronous=NORMAL: a killed process still loses nothing.
    proc = _spawn(settings, steps=1000, delay=0.02, durability=durability)
    assert proc.stdout is not None
    run_id = proc.stdout.readline().split()[1]
    committed = -1
    while committed < 4:
        line = proc.stdout.readline()
        assert line.startswith("step"), f"writer died: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        committed = int(line.split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    untouched = Store(settings, recover=False)
    assert untouched.get_run(run_id).status == "running"
    assert untouched.mark_interrupted(stale_after_s=3600) == [run_id]  # its pid is gone, whatever the heartbeat
    info = untouched.get_run(run_id)
    assert info.status == "interrupted" and info.finished_at is not None
    steps = untouched.get_steps(run_id)
    indexes = [s.index for s in steps]
    assert indexes == list(range(len(steps))) and len(steps) >= committed + 1
    for step in steps:
        assert step.screenshot_path is not None
        assert (settings.traces_dir / step.screenshot_path).read_bytes() == b"\x89PNG-" + bytes([step.index])
        on_disk = json.loads((settings.traces_dir / run_id / f"step-{step.index:03d}.json").read_text())
        assert on_disk["index"] == step.index and on_disk["decision"]["completion"] == step.decision.completion
    assert info.tokens_in == 10 * len(steps)


@pytest.mark.sqlite_only
def test_durability_sets_sqlite_synchronous_and_rejects_unknown_values(settings: Settings) -> None:
    from dataclasses import replace

    from sqlalchemy import text

    from eclair.config import ConfigError

    for durability, level in (("power", 2), ("crash", 1)):  # PRAGMA synchronous: 2 = FULL, 1 = NORMAL
        store = Store(replace(settings, durability=durability))
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA synchronous")).scalar() == level
        assert store.fsync is (durability == "power")
        store.close()
    with pytest.raises(ConfigError, match="ECLAIR_DURABILITY"):
        Store(replace(settings, durability="fast"))


def test_opening_the_store_marks_a_killed_run_interrupted(settings: Settings) -> None:
    proc = _spawn(settings, steps=1000, delay=0.02)
    assert proc.stdout is not None
    run_id = proc.stdout.readline().split()[1]
    assert proc.stdout.readline().startswith("step")
    proc.kill()
    proc.wait(timeout=10)
    store = Store(settings)  # "the next start"
    assert store.get_run(run_id).status == "interrupted"
    assert store.get_steps(run_id)[0].index == 0


def test_eight_writer_processes_on_a_fresh_database_never_see_lock_errors(settings: Settings) -> None:
    steps = 12
    procs = [_spawn(settings, steps=steps, delay=0.0) for _ in range(N_WRITERS)]
    outputs = [p.communicate(timeout=300) for p in procs]  # 8 interpreters starting on 2 shared cores
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err and out.strip().endswith("done")
    store = Store(settings)
    runs = store.list_runs(limit=100)
    assert len(runs) == N_WRITERS and {r.status for r in runs} == {"succeeded"}
    for run in runs:
        assert run.n_steps == steps and len(store.get_verdicts(run.id)) == 2 * steps


def test_eight_writer_threads_sharing_one_store_never_see_lock_errors(store: Store) -> None:
    errors: list[BaseException] = []
    run_ids: list[str] = []

    def write() -> None:
        try:
            run = store.create_run(Task(text="thread"))
            run_ids.append(run.id)
            store.start_run(run.id)
            for i in range(15):
                store.record_step(run.id, make_step(i), b"png")
                store.add_verdict(run.id, Verdict(label="pass", critic="judge"), step_index=i)
                store.heartbeat(run.id)
            store.finish_run(run.id, "succeeded")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(N_WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(r.n_steps for r in store.list_runs()) == [15] * N_WRITERS
    assert {store.get_run(rid).status for rid in run_ids} == {"succeeded"}


def _forked_writer(store: Store, run_id: str, steps: int) -> None:
    for i in range(steps):
        store.record_step(run_id, make_step(i), b"png")
        store.heartbeat(run_id)
    store.finish_run(run_id, "succeeded")


def test_forked_processes_reuse_a_parents_store_safely(store: Store) -> None:
    ctx = multiprocessing.get_context("fork")
    run_ids = [store.create_run(Task(text=f"fork {i}")).id for i in range(N_WRITERS)]
    store.list_runs()  # the parent holds pooled connections when it forks
    procs = [ctx.Process(target=_forked_writer, args=(store, rid, 10)) for rid in run_ids]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * N_WRITERS
    assert {(r.status, r.n_steps) for r in store.list_runs()} == {("succeeded", 10)}
