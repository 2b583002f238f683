"""Record scripted demonstrations on a local site in real Chromium; the result goes into the real store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eclair.config import Settings
from eclair.demonstrations import (
    BadScript,
    DemoAction,
    detect_key_frames,
    ingest,
    record_demonstration,
    write_sop,
)
from eclair.store import Store

PARAMS = {"customer": "Acme", "password": "hunter2", "priority": "High"}


@pytest.mark.slow
def test_scripted_demo_records_merged_actions_states_and_video(
    settings: Settings, browser: Any, site_url: str, fixtures_dir: Path, tmp_path: Path
) -> None:
    saved = record_demonstration(
        settings,
        url=f"{site_url}/index.html",
        workflow="new-ticket",
        script=fixtures_dir / "demo_ticket.py",
        params=PARAMS,
        browser=browser,
    )
    store = Store(settings)
    (demo,) = store.list_demonstrations("new-ticket")
    actions = [DemoAction.model_validate(a) for a in demo.action_log]
    assert [a.describe() for a in actions] == [
        'Click the link "New ticket"',
        'Type "Acme" into the textbox "Customer"',  # 4 keystrokes, one action; the focusing click folded in
        'Type "{{password}}" into the textbox "Password"',
        'Select "High" in the combobox "Priority"',
        'Tick the checkbox "Urgent"',
        "Scroll down",
        'Click the button "Save"',
    ]
    typed = actions[1]
    assert typed.target is not None and typed.target.tag == "input" and typed.target.xpath == '//*[@id="customer"]'
    assert typed.target.eclair_id, "the target carries the data-eclair-id observe() stamped"
    assert actions[2].secret and actions[2].target is not None and actions[2].target.value == "{{password}}"
    # states: before the first click is the start page, after the last click the saved page
    assert actions[0].before is not None and actions[0].before.url.endswith("/index.html")
    assert actions[0].after is not None and actions[0].after.title == "New ticket"
    assert actions[1].after is not None and 'value="Acme"' in actions[1].after.observation
    assert actions[-1].after is not None and "/saved.html" in actions[-1].after.url
    for action in actions:
        assert action.before and action.before.screenshot and (saved.folder / action.before.screenshot).is_file()
    assert saved.manifest.video == "video.webm" and (saved.folder / "video.webm").stat().st_size > 0
    assert saved.manifest.initial is not None and saved.manifest.initial.url.endswith("/index.html")
    # the password never reaches a file or the database
    for path in saved.folder.rglob("*"):
        if path.suffix in {".json", ".txt"}:
            assert "hunter2" not in path.read_text()
    assert "hunter2" not in str(demo.action_log)
    assert saved.manifest.params["password"] == "{{password}}"
    workflow = store.get_workflow("new-ticket")
    assert workflow is not None and workflow.start_url == f"{site_url}/index.html"

    # the SOP generalises the demonstrated values into the parameters
    sop = write_sop(store, "new-ticket")
    assert sop.steps[1] == 'Type "{customer}" into the textbox "Customer"'
    assert sop.steps[3] == 'Select "{priority}" in the combobox "Priority"'
    assert sop.fidelity == 1.0 and "Acme" not in sop.text and "hunter2" not in sop.text

    # Playwright's webm is variable frame rate (a frame only when the screen changes; under heavy CPU load very
    # few): OpenCV reads it by timestamp; detection itself is tested on a generated video in test_video.py
    video = detect_key_frames(saved.folder / "video.webm")
    assert video.frames_read >= 1 and video.key_frames[0].t_ms == 0.0
    times = [k.t_ms for k in video.key_frames]
    assert times == sorted(times) and times[-1] <= video.duration_ms
    log = tmp_path / "log.jsonl"
    end = video.duration_ms / 1000  # a short video under load: keep the log inside it
    log.write_text(
        "\n".join(
            a.model_copy(update={"t": min(a.t, end)}).model_dump_json(include={"t", "kind", "target", "text"})
            for a in actions
        )
    )
    again, _ = ingest(settings, saved.folder / "video.webm", workflow="new-ticket-video", actions_log=log)
    assert len(again.manifest.actions) == len(actions)


@pytest.mark.slow
def test_failing_script_is_one_line_and_writes_nothing(
    settings: Settings, browser: Any, site_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "broken.py"
    script.write_text(
        "def demonstrate(page, params):\n    page.get_by_role('link', name='New ticket').click()\n"
        "    raise RuntimeError('no such field')\n"
    )
    with pytest.raises(
        BadScript, match=r"broken\.py: demonstrate\(\) failed at line 3 \(RuntimeError: no such field\)"
    ):
        record_demonstration(settings, url=f"{site_url}/index.html", workflow="w", script=script, browser=browser)
    store = Store(settings)
    assert store.list_workflows() == []
    assert list((store.traces_root / "demonstrations").iterdir()) == []


def test_script_contract_errors_come_before_any_browser(settings: Settings, tmp_path: Path) -> None:
    no_fn = tmp_path / "nofn.py"
    no_fn.write_text("x = 1\n")
    with pytest.raises(BadScript, match=r"nofn\.py: defines no demonstrate\(page, params\)"):
        record_demonstration(settings, url="http://127.0.0.1:9/", workflow="w", script=no_fn)
    with pytest.raises(BadScript, match="no such file"):
        record_demonstration(settings, url="http://127.0.0.1:9/", workflow="w", script=tmp_path / "missing.py")
    syntax = tmp_path / "syntax.py"
    syntax.write_text("def demonstrate(page, params)\n")
    with pytest.raises(BadScript, match="could not be imported"):
        record_demonstration(settings, url="http://127.0.0.1:9/", workflow="w", script=syntax)
