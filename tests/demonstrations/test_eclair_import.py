"""Import an ECLAIR/WONDERBREAD trace folder (JSON + screenshots/ + SOP file) into the real store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eclair.config import Settings
from eclair.demonstrations import BadTrace, DemoAction, ingest, load_manifest, parse_sop, sop_fidelity
from eclair.store import Store

TRACE_NAME = "Create ticket @ 2024-01-01-10-00-00.json"


def nothing_written(settings: Settings) -> bool:
    store = Store(settings)
    demo_root = store.traces_root / "demonstrations"
    return store.list_workflows() == [] and (not demo_root.exists() or list(demo_root.iterdir()) == [])


def test_import_round_trip(settings: Settings, fixtures_dir: Path) -> None:
    trace = fixtures_dir / "eclair_trace" / TRACE_NAME
    saved, sop_version = ingest(settings, trace)
    assert saved.workflow == "Create ticket" and sop_version == "1"
    store = Store(settings)
    (demo,) = store.list_demonstrations("Create ticket")
    assert demo.source == "imported"
    actions = [DemoAction.model_validate(a) for a in demo.action_log]
    assert [a.describe() for a in actions] == [
        'Click "New ticket"',
        'Type "Acme Co" into the field "Customer"',
        'Type "{{password}}" into the field "Password"',
        "Press Enter",
    ]
    assert actions[0].before is not None and actions[0].before.url == "http://helpdesk.local/tickets"
    assert actions[0].after is not None and actions[0].after.title == "New ticket"
    assert actions[-1].after is not None and actions[-1].after.url.endswith("/tickets/17")
    assert 'button "New ticket"' in actions[0].before.observation
    for state in (actions[0].before, actions[0].after, actions[-1].after):
        assert state.screenshot and (saved.folder / state.screenshot).is_file()
    manifest = load_manifest(store, demo.files)
    assert manifest is not None and manifest.start_url == "http://helpdesk.local/tickets"
    text = "\n".join(p.read_text(errors="ignore") for p in saved.folder.rglob("*") if p.suffix in {".json", ".txt"})
    assert "hunter2" not in text and "'h' 'u'" not in text  # the typed password never reaches the store
    sop = store.get_sop("Create ticket")
    assert sop is not None and "New ticket" in sop
    # the person-written SOP covers the click, the customer, and Enter; the password step has no value to match
    assert sop_fidelity(actions, parse_sop(sop)) == pytest.approx(3 / 4)


def test_import_with_explicit_workflow_and_no_sop(settings: Settings, fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "trace"
    shutil.copytree(fixtures_dir / "eclair_trace", folder)
    (folder / "SOP - Create ticket.txt").unlink()
    saved, sop_version = ingest(settings, folder / TRACE_NAME, workflow="helpdesk-new")
    assert saved.workflow == "helpdesk-new" and sop_version is None
    assert Store(settings).get_sop("helpdesk-new") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"steps": []}', "not an ECLAIR/WONDERBREAD trace .*found an object with keys steps"),
        ("[1, 2]", "found a JSON list"),
        ('{"trace": [{"type": "click", "data": {}}]}', "entry 0"),
        ('{"trace": [{"type": "action", "data": {"type": "teleport"}}]}', "unknown action type 'teleport'"),
        ('{"trace": [{"type": "state", "data": {"url": "x"}}]}', "no actions"),
        ("{not json", "not valid JSON"),
    ],
)
def test_trace_of_another_shape_is_one_clear_line_and_writes_nothing(
    settings: Settings, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "trace.json"
    path.write_text(content)
    with pytest.raises(BadTrace, match=message) as info:
        ingest(settings, path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert nothing_written(settings)


def test_missing_screenshot_is_named_and_nothing_is_half_imported(
    settings: Settings, fixtures_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "trace"
    shutil.copytree(fixtures_dir / "eclair_trace", folder)
    (folder / "screenshots" / "2.png").unlink()
    with pytest.raises(BadTrace, match=r"screenshot 2\.png is missing"):
        ingest(settings, folder / TRACE_NAME)
    assert nothing_written(settings)
    data = json.loads((folder / TRACE_NAME).read_text())
    assert data["trace"][0]["type"] == "state"  # the source folder is left as it was
