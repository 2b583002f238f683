"""Runs, steps and verdicts against a real SQLite database and trace folder."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from eclair.config import Settings
from eclair.errors import EclairError
from eclair.store import DatabaseUnavailable, Store, UnknownRun
from eclair.types import StepRecord, Task, Verdict
from tests.store.conftest import make_step


def test_run_lifecycle_sums_tokens_and_keeps_paths_relative(store: Store, settings: Settings) -> None:
    run = store.create_run(Task(text="open a ticket", workflow="helpdesk", params={"who": "Dana"}), agent="scoring")
    assert run.status == "pending" and store.run_dir(run.id).is_dir()
    store.start_run(run.id)
    saved = store.record_step(run.id, make_step(0, tokens=10), screenshot=b"png-0")
    store.record_step(run.id, make_step(1, tokens=20), screenshot=b"png-1")
    store.record_step(run.id, make_step(1, attempt=1, tokens=30), screenshot=b"png-1b")
    time.sleep(0.01)
    store.finish_run(run.id, "succeeded", answer="done")

    assert saved.screenshot_path == f"{run.id}/step-000.png"
    assert (settings.traces_dir / run.id / "step-000.png").read_bytes() == b"png-0"
    assert (settings.traces_dir / run.id / "step-001-a1.png").read_bytes() == b"png-1b"
    on_disk = json.loads((settings.traces_dir / run.id / "step-001.json").read_text())
    assert on_disk["decision"]["prompt"] == "prompt 1" and "screenshot" not in on_disk["observation"]

    info = store.get_run(run.id)
    assert (info.status, info.answer, info.workflow, info.params) == ("succeeded", "done", "helpdesk", {"who": "Dana"})
    assert (info.tokens_in, info.tokens_out) == (60, 30)
    assert (info.n_steps, info.n_attempts) == (2, 3)
    assert info.wall_ms > 0 and info.trace_dir == settings.traces_dir.resolve() / run.id
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT screenshot_path, json_path FROM steps ORDER BY id")).all()
    assert all(not p.startswith("/") for row in stored for p in row)


def test_get_steps_returns_typed_records_with_their_verdicts(store: Store) -> None:
    run = store.create_run(Task(text="t"))
    store.record_step(run.id, make_step(0, label="fail"), None)
    store.record_step(run.id, make_step(0, attempt=1), b"x")
    store.add_verdict(run.id, Verdict(label="unsure", critic="judge"), step_index=0)
    store.add_verdict(run.id, Verdict(label="pass", critic="combined"))
    steps = store.get_steps(run.id)
    assert all(isinstance(s, StepRecord) for s in steps)
    assert [(s.index, s.attempt) for s in steps] == [(0, 0), (0, 1)]
    assert steps[0].screenshot_path is None and [v.label for v in steps[0].verdicts] == ["fail"]
    assert [v.critic for v in steps[1].verdicts] == ["rules", "judge"]  # a late verdict joins the latest attempt
    assert steps[1].decision.rationale == "save the form" and steps[1].timings.validate_ms == 4.0
    assert store.get_verdicts(run.id)[-1] == (None, Verdict(label="pass", critic="combined"))
    assert store.get_run(run.id).label == "pass"


def test_rerecording_an_attempt_replaces_it(store: Store) -> None:
    run = store.create_run(Task(text="t"))
    store.record_step(run.id, make_step(0, tokens=10), None)
    store.record_step(run.id, make_step(0, tokens=40, label="fail"), None)
    info = store.get_run(run.id)
    assert (info.tokens_in, info.n_attempts) == (40, 1)
    assert [v.label for v in store.get_steps(run.id)[0].verdicts] == ["fail"]


def test_label_without_combined_verdict_is_conservative(store: Store) -> None:
    run = store.create_run(Task(text="t"))
    assert store.get_run(run.id).label is None
    store.add_verdict(run.id, Verdict(label="fail", critic="checker"))  # ground truth never labels a run
    store.add_verdict(run.id, Verdict(label="pass", critic="judge"))
    assert store.get_run(run.id).label == "pass"
    store.add_verdict(run.id, Verdict(label="fail", critic="rules"))
    assert store.get_run(run.id).label == "fail"


def test_list_runs_filters_by_status_newest_first(store: Store) -> None:
    ids = [store.create_run(Task(text=f"t{i}")).id for i in range(3)]
    store.finish_run(ids[1], "failed", error="boom")
    assert [r.id for r in store.list_runs()] == ids[::-1]
    assert [r.id for r in store.list_runs(status="failed")] == [ids[1]]
    assert len(store.list_runs(limit=2)) == 2


def test_unknown_run_is_a_clear_eclair_error(store: Store) -> None:
    for call in (store.get_run, store.get_steps, store.start_run, store.heartbeat):
        with pytest.raises(UnknownRun, match="nope"):
            call("nope")
    with pytest.raises(UnknownRun):
        store.record_step("nope", make_step(0), b"x")
    assert issubclass(UnknownRun, EclairError)


def test_stale_heartbeat_marks_a_remote_run_interrupted_but_a_fresh_one_not(store: Store) -> None:
    run = store.create_run(Task(text="t"))
    store.start_run(run.id)
    assert store.mark_interrupted(stale_after_s=0) == []  # our own process is alive: never interrupted
    with store.engine.begin() as conn:  # pretend another machine runs it (a shared Postgres, say)
        conn.execute(text("UPDATE runs SET host = 'elsewhere' WHERE id = :id"), {"id": run.id})
    assert store.mark_interrupted(stale_after_s=10) == []
    time.sleep(0.05)
    assert store.mark_interrupted(stale_after_s=0.01) == [run.id]
    info = store.get_run(run.id)
    assert info.status == "interrupted" and info.error and "heartbeat" in info.error
    store.record_step(run.id, make_step(0), None)  # a run that was only slow comes back to life
    assert store.get_run(run.id).status == "running"


def test_keep_alive_heartbeats_in_the_background(store: Store) -> None:
    run = store.create_run(Task(text="t"))
    store.start_run(run.id)
    first = store.get_run(run.id).heartbeat_at
    with store.keep_alive(run.id, every_s=0.05):
        time.sleep(0.3)
    assert store.get_run(run.id).heartbeat_at > first  # type: ignore[operator]


def test_migrations_are_at_head_and_idempotent(store: Store) -> None:
    head = store.upgrade(force=True)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.sqlite_only  # the URLs are given; the engine under test does not matter
@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg2://u:secret@127.0.0.1:1/eclair", "notadialect://x", "sqlite:////proc/no/such/eclair.db"],
)
def test_unreachable_database_url_gives_one_clear_line(settings: Settings, url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        Store(settings.with_overrides(db_url=url))
    message = str(err.value)
    assert "\n" not in message and "secret" not in message
    assert "ECLAIR_DB_URL" in message


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_gives_one_clear_line(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / "eclair.db").write_text("not a database " * 20)
    with pytest.raises(DatabaseUnavailable, match="file is not a database"):
        Store(settings)


@pytest.mark.sqlite_only
def test_a_database_that_cannot_be_opened_gives_one_clear_line(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        Store(settings.with_overrides(db_url=f"sqlite:///{tmp_path}"))  # a folder, not a file
    assert "cannot open database" in str(err.value) and "\n" not in str(err.value)


def test_a_schema_from_a_newer_eclair_gives_one_clear_line(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(DatabaseUnavailable, match="9999_future"):
        store.upgrade(force=True)
