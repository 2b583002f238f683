"""Fast checks of the fault handling: how a stopped run is labelled, how a resume is planned, the misbehaving
model server against the real OpenAI client, and a full disk under the step files (a real tmpfs when root)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from playwright._impl._errors import TargetClosedError
from sqlalchemy.exc import OperationalError

from eclair.bench.faults_model import MODEL, misbehaving_server
from eclair.config import Settings
from eclair.errors import Terminated
from eclair.models.base import ModelError, ModelUnavailable
from eclair.models.openai_compat import OpenAICompatBackend
from eclair.resume import NotResumable, check_resumable, next_step_after, plan_resume
from eclair.run_end import run_end_for
from eclair.store import Store
from eclair.types import Action, ActionResult, Decision, Observation, StepRecord, Task


def test_run_end_labels_each_fault_with_a_reason() -> None:
    cases = {
        KeyboardInterrupt(): ("interrupted", "Ctrl-C"),
        Terminated(15): ("interrupted", "SIGTERM"),
        OSError(errno.ENOSPC, "No space left on device", "/t/step-002.png"): ("interrupted", "disk full"),
        TargetClosedError(): ("interrupted", "browser crashed"),
        OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")): ("interrupted", "database"),
        ModelUnavailable("http://m did not answer within 2s"): ("interrupted", "model endpoint"),
        ValueError("a bug"): ("failed", "a bug"),
    }
    for exc, (status, cue) in cases.items():
        got_status, reason = run_end_for(exc, "r1")
        assert got_status == status and cue in reason, (exc, reason)
        assert status == "failed" or "eclair runs resume r1" in reason


def _step(index: int, kind: str, url: str, *, ok: bool = True, attempt: int = 0) -> StepRecord:
    action = Action(kind=kind, element="e1" if kind != "goto" else None, text="x", url=url if kind == "goto" else None)  # type: ignore[arg-type]
    return StepRecord(
        index=index,
        attempt=attempt,
        observation=Observation(url=url, title="t", text=""),
        decision=Decision(action=action),
        result=ActionResult(ok=ok),
    )


def test_resume_replays_page_only_actions_from_the_start() -> None:
    steps = [_step(0, "type", "http://a/form"), _step(1, "select", "http://a/form")]
    plan = plan_resume("http://a/form", steps)
    assert plan.mode == "replay" and plan.url == "http://a/form" and [s.index for s in plan.replay] == [0, 1]
    assert next_step_after(steps) == (2, 0)


def test_resume_never_repeats_a_click_and_reopens_the_page_after_it() -> None:
    steps = [_step(0, "type", "http://a/form"), _step(1, "click", "http://a/form"), _step(2, "type", "http://a/next")]
    plan = plan_resume("http://a/form", steps)
    assert plan.mode == "last-url" and plan.url == "http://a/next" and [s.index for s in plan.replay] == [2]
    last_click = plan_resume("http://a/form", steps[:2])
    assert last_click.mode == "last-url" and last_click.url == "http://a/form" and last_click.replay == ()
    assert plan_resume("http://a/form", steps, "replay").replay[1].decision.action.kind == "click"


def test_resume_retries_a_failed_attempt_and_refuses_finished_runs() -> None:
    steps = [_step(0, "type", "http://a/"), _step(1, "click", "http://a/", ok=False)]
    assert next_step_after(steps) == (1, 1)
    assert plan_resume("http://a/", steps).replay[0].index == 0  # the failed click is not replayed
    check_resumable("interrupted", "r")
    with pytest.raises(NotResumable):
        check_resumable("succeeded", "r")


def test_misbehaving_server_speaks_the_protocol_and_misbehaves() -> None:
    with misbehaving_server("http://pages", steps=1) as (api, state):
        backend = OpenAICompatBackend(api, None, MODEL, timeout=3.0, max_retries=0, json_schema=False)
        ask = [{"role": "user", "content": "go"}]
        schema = {"type": "object"}
        assert "{" not in backend.chat(ask)[0].text  # no reply schema: the agent's plan, in prose
        first = backend.chat(ask, schema=schema)[0].text
        assert '"goto"' in first and "http://pages/plain?step=0" in first
        assert '"done"' in backend.chat(ask, schema=schema)[0].text
        state.mode = "junk"
        assert "{{{" in backend.chat(ask, schema=schema)[0].text
        state.mode, state.sleep_s = "sleep", 8.0
        with pytest.raises(ModelUnavailable, match="did not answer"):
            backend.chat(ask, schema=schema)
        state.mode = "bad-body"
        with pytest.raises(ModelError, match="malformed") as bad:
            backend.chat(ask, schema=schema)
        assert not isinstance(bad.value, ModelUnavailable)


def test_full_disk_under_the_step_files_loses_no_committed_step(settings: Settings, tmp_path: Path) -> None:
    from eclair.bench.faults_inject import fill_disk, small_disk
    from tests.store.conftest import make_step

    try:
        disk = small_disk(tmp_path / "traces", size="1m")
        traces = disk.__enter__()
    except PermissionError as exc:
        pytest.skip(f"a tmpfs needs root here: {exc}")
    try:
        store = Store(settings.with_overrides(traces_dir=traces))
        run = store.create_run(Task(text="t"))
        store.start_run(run.id)
        store.record_step(run.id, make_step(0), b"png0")
        ballast = fill_disk(traces)
        with pytest.raises(OSError) as full:
            store.record_step(run.id, make_step(1), b"png1" * 10_000)
        assert full.value.errno == errno.ENOSPC
        assert [s.index for s in store.get_steps(run.id)] == [0]  # no row for the step whose files failed
        assert not list((traces / run.id).glob(".*.tmp"))  # no half-written temp file left behind
        ballast.unlink()
        store.record_step(run.id, make_step(1), b"png1")
        assert [s.index for s in store.get_steps(run.id)] == [0, 1]
    finally:
        disk.__exit__(None, None, None)
