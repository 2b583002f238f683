"""`eclair review approve|reject|queue` work without the TUI (real subprocess, real store)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from eclair.config import Settings


def eclair(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ECLAIR_DATA_DIR": str(settings.data_dir),
        "ECLAIR_TRACES_DIR": str(settings.traces_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "eclair", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_review_commands_write_reviews(settings: Settings, store: Any, filled_store: dict[str, str]) -> None:
    listed = eclair(settings, "review", "queue")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[0].startswith(filled_store["unsure"])

    approved = eclair(settings, "review", "approve", filled_store["passed"], "--note", "looks right")
    assert approved.returncode == 0, approved.stderr
    assert f"run {filled_store['passed']} approved" in approved.stdout

    no_note = eclair(settings, "review", "reject", filled_store["failed"], "--note", " ")
    assert no_note.returncode == 2
    assert no_note.stderr.startswith("error: rejecting run") and "Traceback" not in no_note.stderr

    rejected = eclair(settings, "review", "reject", filled_store["failed"], "--note", "closed the wrong tickets")
    assert rejected.returncode == 0, rejected.stderr

    unknown = eclair(settings, "review", "approve", "nosuchrun")
    assert unknown.returncode == 2 and "nosuchrun" in unknown.stderr and "Traceback" not in unknown.stderr

    assert [(r.decision, r.note, r.reviewer) for r in store.get_reviews(filled_store["passed"])] == [
        ("approved", "looks right", "cli")
    ]
    assert [r.decision for r in store.get_reviews(filled_store["failed"])] == ["rejected"]
    assert store.get_reviews(filled_store["unsure"]) == []
