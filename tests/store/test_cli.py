"""`eclair runs …` and `eclair db upgrade`: in-process with typer's CliRunner, error paths as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eclair.cli import app
from eclair.config import Settings
from eclair.store import Store
from eclair.store.engine import head_revision
from eclair.types import Task, Verdict
from tests.store.conftest import make_step

ECLAIR = Path(sys.executable).with_name("eclair")


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"ECLAIR_DATA_DIR": str(settings.data_dir), "ECLAIR_TRACES_DIR": str(settings.traces_dir)}
    if settings.db_url:
        values["ECLAIR_DB_URL"] = settings.db_url
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    if not settings.db_url:
        monkeypatch.delenv("ECLAIR_DB_URL", raising=False)
    return {**os.environ, **values}


def _seed(settings: Settings) -> tuple[str, str]:
    store = Store(settings)
    done = store.create_run(Task(text="open a ticket for Acme", workflow="helpdesk"), agent="scoring", model="m")
    store.start_run(done.id)
    store.record_step(done.id, make_step(0, tokens=100), b"a")
    store.record_step(done.id, make_step(1, tokens=40), b"b")
    store.add_verdict(done.id, Verdict(label="pass", critic="combined", reason="saved"))
    store.finish_run(done.id, "succeeded", answer="TCK-1")
    failed = store.create_run(Task(text="other"))
    store.finish_run(failed.id, "failed", error="no such button")
    return done.id, failed.id


def test_runs_list_show_export_import(settings: Settings, env: dict[str, str], tmp_path: Path) -> None:
    done, failed = _seed(settings)
    runner = CliRunner()
    listed = runner.invoke(app, ["runs", "list"])
    assert listed.exit_code == 0, listed.output
    assert done in listed.output and failed in listed.output
    as_json = runner.invoke(app, ["runs", "list", "--status", "failed", "--json"])
    rows = json.loads(as_json.output)  # one JSON document (a list), `[]` when nothing matches
    assert [(r["id"], r["error"]) for r in rows] == [(failed, "no such button")]

    shown = runner.invoke(app, ["runs", "show", done])
    assert shown.exit_code == 0, shown.output
    assert "2 steps" in shown.output and "tokens in 140 out 70" in shown.output and "answer    TCK-1" in shown.output
    assert "combined: pass" in shown.output

    out = tmp_path / "run.jsonl"
    assert runner.invoke(app, ["runs", "export", done, "--out", str(out)]).exit_code == 0
    imported = runner.invoke(app, ["runs", "import", str(out)])
    assert imported.exit_code == 0, imported.output
    new_id = imported.output.split()[-1]
    assert new_id != done and Store(settings).get_run(new_id).tokens_in == 140

    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0 and f"at revision {head_revision()}" in upgraded.output


def test_bad_input_gives_one_line_and_exit_2(settings: Settings, env: dict[str, str], tmp_path: Path) -> None:
    _seed(settings)
    corrupt = tmp_path / "corrupt.jsonl"
    corrupt.write_text('{"type": "run", "format": "eclair-run", "version": 1, "records": 3, "id": "x", "run": {}}\n')
    cases = [
        (["runs", "show", "nosuchrun"], env, "no run with id 'nosuchrun'"),
        (["runs", "import", str(corrupt)], env, "nothing was imported"),
        (["runs", "list"], {**env, "ECLAIR_DB_URL": "postgresql://me:hunter2@127.0.0.1:9/x"}, "ECLAIR_DB_URL"),
    ]
    for args, case_env, expected in cases:
        proc = subprocess.run([str(ECLAIR), *args], env=case_env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], proc.stderr
        assert "hunter2" not in proc.stderr
    assert len(Store(settings).list_runs()) == 2  # the corrupt import added nothing
