"""Browser resolution, remote connection over CDP, video recording, and navigate() errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import eclair.browser.launch as launch
from eclair.browser import (
    BrowserNotFound,
    PageUnreachable,
    current_page,
    navigate,
    new_context,
    observe,
    open_browser,
    resolve_browser_path,
)
from eclair.config import Settings
from tests.browser.remote import free_port, start_debugging_chromium, start_run_server, stop_group, wait_for_port


def test_explicit_browser_path_wins_and_must_exist(tmp_path: Path) -> None:
    assert resolve_browser_path(Settings(browser_path="/usr/bin/chromium"), bundled=None) == "/usr/bin/chromium"
    with pytest.raises(BrowserNotFound, match="ECLAIR_BROWSER_PATH=/nope/chrome does not exist"):
        resolve_browser_path(Settings(browser_path="/nope/chrome"), bundled=None)


def test_bundled_then_system_then_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "chrome"
    bundled.write_text("")
    assert resolve_browser_path(Settings(), bundled=str(bundled)) is None  # Playwright launches its own build
    assert resolve_browser_path(Settings(), bundled=str(tmp_path / "absent")) == "/usr/bin/chromium"
    monkeypatch.setattr(launch, "SYSTEM_CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(BrowserNotFound) as info:
        resolve_browser_path(Settings(), bundled=str(tmp_path / "absent"))
    message = str(info.value)
    assert "ECLAIR_BROWSER_PATH" in message and "playwright install chromium" in message and "no-chromium" in message


def test_launch_with_explicit_path_observes_a_page(fixtures_url: str) -> None:
    with open_browser(Settings(browser_path="/usr/bin/chromium")) as browser:
        page = current_page(new_context(browser))
        navigate(page, f"{fixtures_url}/form.html")
        assert observe(page, screenshot=False).title == "New ticket"


def test_broken_binary_is_a_browser_not_found(tmp_path: Path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(BrowserNotFound, match="failed to start"), open_browser(Settings(browser_path=str(fake))):
        pass


@pytest.mark.slow
def test_connect_over_cdp(fixtures_url: str, tmp_path: Path) -> None:
    port = free_port()
    proc = start_debugging_chromium(port, tmp_path / "profile")
    try:
        wait_for_port(port)
        with open_browser(Settings(cdp_url=f"http://127.0.0.1:{port}")) as browser:
            page = current_page(new_context(browser))
            navigate(page, f"{fixtures_url}/shadow.html")
            assert "Shadow save" in observe(page, screenshot=False).text
    finally:
        stop_group(proc)


@pytest.mark.slow
def test_connect_to_a_playwright_server_ws_endpoint(fixtures_url: str) -> None:
    port = free_port()
    server = start_run_server(port)
    try:
        wait_for_port(port)
        settings = Settings(ws_endpoint=f"ws://127.0.0.1:{port}/", browser_path="/usr/bin/chromium")
        with open_browser(settings) as browser:
            page = current_page(new_context(browser))
            navigate(page, f"{fixtures_url}/form.html")
            assert observe(page, screenshot=False).title == "New ticket"
    finally:
        stop_group(server)


def test_unreachable_cdp_url_is_one_clear_error() -> None:
    expected = re.escape("cannot connect to --cdp-url http://127.0.0.1:1")
    with pytest.raises(BrowserNotFound, match=expected), open_browser(Settings(cdp_url="http://127.0.0.1:1")):
        pass


def test_navigate_errors(page: Any, fixtures_url: str) -> None:
    with pytest.raises(PageUnreachable, match="scheme 'ftp' is not supported"):
        navigate(page, "ftp://example.com/file")
    with pytest.raises(PageUnreachable, match=re.escape("cannot open http://127.0.0.1:1/")):
        navigate(page, "http://127.0.0.1:1/")
    assert navigate(page, f"{fixtures_url}/missing.html") == 404
    assert navigate(page, f"{fixtures_url}/form.html") == 200


@pytest.mark.slow
def test_video_recorded_into_video_dir(browser: Any, fixtures_url: str, tmp_path: Path) -> None:
    video_dir = tmp_path / "video"
    context = new_context(browser, video_dir=video_dir)
    page = current_page(context)
    navigate(page, f"{fixtures_url}/form.html")
    page.fill("#customer", "Acme")
    page.wait_for_timeout(300)
    context.close()
    videos = list(video_dir.glob("*.webm"))
    assert len(videos) == 1 and videos[0].stat().st_size > 1000


def test_open_browser_nests_in_one_thread(browser: Any, fixtures_url: str) -> None:
    # the session `browser` fixture already holds this thread's Playwright driver
    with open_browser(Settings()) as second:
        page = current_page(new_context(second))
        navigate(page, f"{fixtures_url}/form.html")
        assert observe(page, screenshot=False).title == "New ticket"
    assert browser.is_connected()  # closing the inner browser leaves the outer one alone


def test_missing_ffmpeg_is_a_clear_error(tmp_path: Path) -> None:
    script = (
        "from pathlib import Path\n"
        "from eclair.browser import VideoUnavailable, new_context, open_browser\n"
        "from eclair.config import Settings\n"
        "with open_browser(Settings(browser_path='/usr/bin/chromium')) as browser:\n"
        "    try:\n"
        f"        new_context(browser, video_dir=Path({str(tmp_path / 'video')!r}))\n"
        "    except VideoUnavailable as exc:\n"
        "        print('ERROR', exc)\n"
    )
    env = {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ERROR video recording needs ffmpeg at" in result.stdout and "no-browsers" in result.stdout
