"""The traces folder can be shared storage mounted anywhere: no database row holds an absolute path, and a store
opened on the folder's new place finds every file of a real run (screenshots, step JSON, trace.zip, a download)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, select, text

from eclair.assemble import RunParts, build_run
from eclair.config import Settings
from eclair.runner import run_task
from eclair.store import Store
from eclair.types import Action, Task
from tests.runner.test_runner import ScriptedAgent, by_name


def _all_text(store: Store) -> str:
    """Every value of every row of every table, as text."""
    values: list[str] = []
    with store.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(select(text("*")).select_from(text(f'"{table}"'))):
                values += [str(value) for value in row]
    return "\n".join(values)


def test_rows_name_trace_files_relative_to_the_traces_dir(
    page: Any, settings: Settings, fixtures_url: str, tmp_path: Path
) -> None:
    store = Store(settings)
    agent = ScriptedAgent(
        [
            lambda o, h: Action(kind="click", element=by_name(o, "Download notes")),
            lambda o, h: Action(kind="done"),
        ]
    )
    page.goto(f"{fixtures_url}/files.html")
    parts = RunParts(store=store, agent=agent, critics=None)
    outcome = run_task(build_run(Task(text="Download the notes"), parts, settings, tracing=True), page, store=store)
    old_root = store.traces_root
    steps = store.get_steps(outcome.run_id)
    download = steps[0].result.download if steps[0].result else None
    assert download and (store.run_dir(outcome.run_id) / download).is_file()
    assert (store.run_dir(outcome.run_id) / "trace.zip").is_file()
    stored = _all_text(store)
    assert outcome.run_id in stored and str(old_root) not in stored and str(tmp_path) not in stored
    store.close()

    new_root = tmp_path / "mounted-elsewhere" / "traces"
    shutil.move(old_root, new_root)
    moved = Store(settings.with_overrides(traces_dir=new_root))
    run = moved.get_run(outcome.run_id)
    assert run.trace_dir == new_root / outcome.run_id and (run.trace_dir / "trace.zip").is_file()
    assert (run.trace_dir / download).is_file()
    for step in moved.get_steps(outcome.run_id):
        assert step.screenshot_path and (new_root / step.screenshot_path).is_file()
    header_files = moved.export_run(outcome.run_id, tmp_path / "run.jsonl").read_text().splitlines()[0]
    assert f"{outcome.run_id}/trace.zip" in header_files and f"{outcome.run_id}/downloads/" in header_files
    moved.close()
