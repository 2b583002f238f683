"""`eclair observe` and `eclair bench browser` as a user runs them: real process, exit codes, files written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest


def run_eclair(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eclair", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("ftp://example.com/x", None, "is not an http://, https:// or file:// URL"),
        ("http://127.0.0.1:9/", None, "cannot open http://127.0.0.1:9/"),
        ("http://127.0.0.1:9/", {"ECLAIR_BROWSER_PATH": "/nope/chromium"}, "ECLAIR_BROWSER_PATH=/nope/chromium"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(url: str, env: dict[str, str] | None, expected: str) -> None:
    result = run_eclair("observe", url, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_observe_prints_text_and_writes_screenshot_and_marks(fixtures_url: str, tmp_path: Path) -> None:
    shot, som = tmp_path / "shot.png", tmp_path / "som.png"
    result = run_eclair("observe", f"{fixtures_url}/form.html", "--screenshot", str(shot), "--som", str(som))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"url: {fixtures_url}/form.html" and lines[1] == "title: New ticket"
    assert any(line.endswith('textbox "Customer" placeholder="Company name" required') for line in lines)
    plain, marked = cv2.imread(str(shot)), cv2.imread(str(som))
    assert plain is not None and marked is not None and plain.shape == marked.shape
    assert (plain != marked).any()


def test_observe_json_is_an_observation(fixtures_url: str) -> None:
    result = run_eclair("observe", f"{fixtures_url}/form.html", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "New ticket" and "screenshot" not in data
    priority = next(e for e in data["elements"] if e["name"] == "Priority")
    assert priority["options"] == ["Low", "Medium", "High"] and priority["value"] == "Medium"


@pytest.mark.slow
def test_bench_browser_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "browser.json"
    result = run_eclair("bench", "browser", "--rounds", "5", "--json", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["raw_click_ms"] > 0 and data["observe_ms"] > 0 and data["ratio_observe_act_vs_raw"] > 0
    assert "ratio" in result.stdout
