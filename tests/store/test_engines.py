"""Schema migrations on every engine, revision by revision, and runs moved between SQLite and Postgres intact."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from eclair.cli import app
from eclair.config import Settings, load_settings
from eclair.store import Store
from eclair.store.engine import alembic_config, current_revision, head_revision, make_engine
from eclair.store.models import Base
from eclair.types import Task, Verdict
from tests.store.conftest import make_step


def _revisions_in_order() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def _db_upgrade_cli(settings: Settings) -> Any:
    env = {"ECLAIR_DATA_DIR": str(settings.data_dir), "ECLAIR_DB_URL": settings.database_url}
    return CliRunner().invoke(app, ["db", "upgrade"], env=env)


def test_revisions_form_one_chain_ending_at_head() -> None:
    revisions = _revisions_in_order()
    assert revisions and revisions[-1] == head_revision() and len(set(revisions)) == len(revisions)


def test_db_upgrade_walks_every_revision_then_the_cli_finishes_from_the_previous_one(settings: Settings) -> None:
    url = settings.database_url
    engine = make_engine(url)
    revisions = _revisions_in_order()
    assert current_revision(engine) is None  # an empty database
    for revision in revisions[:-1]:  # each step on its own, in order: every migration runs from its predecessor
        with engine.begin() as conn:
            cfg = alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        assert current_revision(engine) == revision
    result = _db_upgrade_cli(settings)  # from the previous revision (from empty when there is only one)
    assert result.exit_code == 0, result.output
    assert current_revision(engine) == revisions[-1] and revisions[-1] in result.output
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    again = _db_upgrade_cli(settings)  # idempotent
    assert again.exit_code == 0 and current_revision(engine) == revisions[-1]
    engine.dispose()


def test_db_upgrade_from_empty_in_one_go(settings: Settings) -> None:
    result = _db_upgrade_cli(settings)
    assert result.exit_code == 0, result.output
    engine = make_engine(settings.database_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _full_run(store: Store) -> str:
    run = store.create_run(Task(text="move me", workflow="wf", params={"who": "Dana"}, seed=7), agent="scoring")
    store.start_run(run.id)
    store.record_step(run.id, make_step(0), b"png0")
    store.record_step(run.id, make_step(1, label="fail"), b"png1")
    store.record_step(run.id, make_step(1, attempt=1, tokens=33), b"png1b")
    store.add_verdict(run.id, Verdict(label="unsure", score=0.4, critic="judge", reason="maybe"), step_index=1)
    store.add_verdict(run.id, Verdict(label="pass", score=0.8, critic="combined", reason="ok"))
    store.add_review(run.id, "approved", step_labels={1: "pass"}, reviewer="ana")
    store.finish_run(run.id, "succeeded", answer="TCK-9")
    return run.id


def _everything(store: Store, run_id: str) -> tuple[Any, ...]:
    info = store.get_run(run_id).model_dump(exclude={"trace_dir"})
    reviews = [r.model_dump(exclude={"id"}) for r in store.get_reviews(run_id)]
    return info, store.get_steps(run_id), store.get_verdicts(run_id), reviews


def test_export_import_round_trip_sqlite_to_postgres_and_back_loses_nothing(
    tmp_path: Path, postgres_server: Any
) -> None:
    base = load_settings()
    source = Store(base.with_overrides(data_dir=tmp_path / "a", traces_dir=tmp_path / "traces-a", db_url=""))
    run_id = _full_run(source)
    # The traces folder is shared storage mounted elsewhere on the Postgres machine: paths stay relative to it.
    shutil.copytree(tmp_path / "traces-a", tmp_path / "traces-b")
    pg = Store(
        base.with_overrides(
            data_dir=tmp_path / "b", traces_dir=tmp_path / "traces-b", db_url=postgres_server.create_database()
        )
    )
    assert pg.url.startswith("postgresql")
    assert pg.import_run(source.export_run(run_id, tmp_path / "a.jsonl")) == run_id
    assert _everything(pg, run_id) == _everything(source, run_id)
    for step in pg.get_steps(run_id):
        assert step.screenshot_path is not None and not Path(step.screenshot_path).is_absolute()
        assert (pg.traces_root / step.screenshot_path).read_bytes() == (
            source.traces_root / step.screenshot_path
        ).read_bytes()
    back = Store(base.with_overrides(data_dir=tmp_path / "c", traces_dir=tmp_path / "traces-a", db_url=""))
    assert back.import_run(pg.export_run(run_id, tmp_path / "b.jsonl")) == run_id
    assert _everything(back, run_id) == _everything(source, run_id)
    # either engine writes the same export, line for line (timestamps, floats, JSON), bar where its traces live
    exported = [(tmp_path / name).read_text().splitlines() for name in ("a.jsonl", "b.jsonl")]
    assert exported[0][1:] == exported[1][1:]
    headers = [{k: v for k, v in json.loads(lines[0]).items() if k != "traces_root"} for lines in exported]
    assert headers[0] == headers[1]
    for store in (source, pg, back):
        store.close()
