"""A run moves between machines' stores: SQLite → Postgres → SQLite by `export_run` / `import_run` loses nothing.

Both stores share one traces folder (shared storage), so the file references in the export resolve on both sides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eclair.config import Settings, load_settings
from eclair.store import Store
from eclair.types import Task, Verdict
from tests.store.conftest import make_step


def _settings(tmp_path: Path, name: str, db_url: str = "") -> Settings:
    base = load_settings()
    return base.with_overrides(
        data_dir=tmp_path / name, traces_dir=tmp_path / "shared-traces", models_dir=base.model_root, db_url=db_url
    )


def _run_with_everything(store: Store) -> str:
    task = Task(text="Crée un ticket « Acme » — priorité Haute", workflow="wf", params={"p": "1", "n": "2"}, seed=7)
    run = store.create_run(task, agent="scoring", backend="local", model="embedded")
    store.start_run(run.id)
    store.record_step(run.id, make_step(0, tokens=123_456), b"png0")
    store.record_step(run.id, make_step(1, label="fail"), b"png1")
    store.record_step(run.id, make_step(1, attempt=1), b"png1b")
    store.add_verdict(run.id, Verdict(label="unsure", score=0.123456789, critic="judge", reason="näive ✓"))
    store.add_review(run.id, "approved", step_labels={1: "pass"}, note="ok\nline two", reviewer="ana")
    (store.run_dir(run.id) / "trace.zip").write_bytes(b"zip")
    store.finish_run(run.id, "succeeded", answer="42")
    return run.id


def _everything(store: Store, run_id: str) -> dict[str, Any]:
    run = store.get_run(run_id).model_dump(mode="json")
    return {
        "run": run,
        "steps": [s.model_dump(mode="json") for s in store.get_steps(run_id)],
        "verdicts": [(step, v.model_dump(mode="json")) for step, v in store.get_verdicts(run_id)],
        "reviews": [r.model_dump(mode="json", exclude={"id"}) for r in store.get_reviews(run_id)],
    }


def test_sqlite_to_postgres_to_sqlite_loses_nothing(postgres_server: Any, tmp_path: Path) -> None:
    sqlite_a = Store(_settings(tmp_path, "a"))
    postgres = Store(_settings(tmp_path, "pg", postgres_server.create_database()))
    sqlite_b = Store(_settings(tmp_path, "b"))
    assert postgres.engine.dialect.name == "postgresql" and sqlite_a.engine.dialect.name == "sqlite"

    run_id = _run_with_everything(sqlite_a)
    first = sqlite_a.export_run(run_id, tmp_path / "from-sqlite.jsonl")
    assert postgres.import_run(first) == run_id
    second = postgres.export_run(run_id, tmp_path / "from-postgres.jsonl")
    assert sqlite_b.import_run(second) == run_id

    original = _everything(sqlite_a, run_id)
    assert _everything(postgres, run_id) == original
    assert _everything(sqlite_b, run_id) == original
    assert second.read_text() == first.read_text()  # the same export, byte for byte, from either engine
    header = json.loads(first.read_text().splitlines()[0])
    for rel in header["files"]:  # every file the rows name is there for every store on the shared folder
        assert (postgres.traces_root / rel).is_file(), rel
    for store in (sqlite_a, postgres, sqlite_b):
        store.close()
