"""Live trace files (eclair.browser.live_trace): a run's Playwright trace is on disk while it runs, so a trace.zip
can be rebuilt when the browser or eclair dies before `tracing.stop`; runs holding secrets keep nothing there."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from eclair.browser import live_trace, new_context, open_browser
from eclair.config import Settings

PAGE = "<label>Name <input id=n></label><button onclick=\"document.title='saved'\">Save</button>"


def _events(trace_zip: Path) -> list[dict]:
    with zipfile.ZipFile(trace_zip) as zf:
        return [json.loads(line) for line in zf.read("trace.trace").decode().splitlines()]


@pytest.mark.slow
def test_unstopped_trace_is_salvaged_into_a_zip_and_the_browser_folder_goes_on_close(settings: Settings) -> None:
    out = settings.traces_dir / "r1" / "trace.zip"
    out.parent.mkdir(parents=True)
    with open_browser(settings) as browser:
        context = new_context(browser)
        own = live_trace.live_dir(context)
        assert own is not None and own.parent == settings.traces_dir.resolve() / live_trace.LIVE
        live_trace.start(context, "r1", screenshots=True, salvageable=True)
        page = context.new_page()
        page.set_content(PAGE)
        page.fill("#n", "Ada")
        page.click("button")
        assert (own / "run-r1.trace").stat().st_size > 0  # written as it goes, before any stop
        assert live_trace.salvage(live_trace.launch_folders(settings.traces_dir, context), "r1", out)
        context.close()
    kinds = [e.get("type") for e in _events(out)]
    assert kinds[0] == "context-options" and kinds.count("before") >= 2
    with zipfile.ZipFile(out) as zf:
        frames = [n for n in zf.namelist() if n.startswith("screencast/")]
    assert frames, "the screencast frames the events point at are packed with them"
    assert not own.exists()  # a browser that closed normally leaves no live folder


@pytest.mark.slow
def test_a_run_holding_secrets_leaves_no_raw_trace_on_disk(settings: Settings) -> None:
    with open_browser(settings) as browser:
        context = new_context(browser)
        live_trace.start(context, "r2", screenshots=False, salvageable=False)
        page = context.new_page()
        page.set_content(PAGE)
        page.fill("#n", "s3cret-value")
        own = live_trace.live_dir(context)
        assert own is not None and not list(own.glob("run-r2*"))
        context.tracing.stop()
        context.close()


def test_salvage_drops_a_half_written_event_and_removes_the_raw_files(tmp_path: Path) -> None:
    folder = tmp_path / live_trace.LIVE / "999999999-1"
    folder.mkdir(parents=True)
    whole = [{"type": "context-options", "version": 8}, {"type": "before", "callId": "call@1"}]
    (folder / "run-x.trace").write_text("".join(json.dumps(e) + "\n" for e in whole) + '{"type":"af')
    out = tmp_path / "x" / "trace.zip"
    out.parent.mkdir()
    assert live_trace.salvage(live_trace.launch_folders(tmp_path), "x", out)
    assert _events(out) == whole
    assert not list(folder.glob("run-x*"))
    assert not live_trace.salvage(live_trace.launch_folders(tmp_path), "x", out)  # nothing left: nothing done


def test_stale_launch_folders_go_unless_they_hold_a_trace_to_salvage(tmp_path: Path) -> None:
    live = tmp_path / live_trace.LIVE
    empty, holding = live / "999999999-1", live / "999999999-2"
    for folder in (empty, holding):
        (folder / "resources").mkdir(parents=True)
    (holding / "run-y.trace").write_text("{}\n")
    mine = live_trace.launch_dir(tmp_path)  # clears stale folders first
    assert not empty.exists() and holding.exists() and mine.is_dir()
    assert mine.stat().st_mode & 0o077 == 0  # raw traces are readable by their owner only
