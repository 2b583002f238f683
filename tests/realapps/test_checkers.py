"""Every real-app checker, both ways: pristine DB → fail, the intended effect → pass, a near miss → fail.

The effects go through the apps' own models in one Django process per app (realapps/selftest.py); the checkers
read the resulting SQLite file exactly as they do during a benchmark episode.
"""

from __future__ import annotations

from typing import Any

import pytest

from realapps.suite import WORKFLOWS

SEEDS = [3]  # one seed keeps CI short; the bench and dev runs exercise others
CASES = [
    (w.id, seed, mode) for w in WORKFLOWS.values() for seed in SEEDS for mode in ("pristine", "effect", "near_miss")
]


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, int, str], dict[str, Any]]:
    from realapps.selftest import run_selftest

    found = {}
    for project in ("wagtail_cms", "oscar_shop"):
        for row in run_selftest(project, SEEDS):
            found[(row["workflow"], row["seed"], row["mode"])] = row
    return found


@pytest.mark.parametrize(("workflow_id", "seed", "mode"), CASES)
def test_checker(outcomes: dict[tuple[str, int, str], dict[str, Any]], workflow_id: str, seed: int, mode: str) -> None:
    row = outcomes[(workflow_id, seed, mode)]
    assert row["error"] is None, row["error"]
    assert row["ok"] is (mode == "effect"), f"{mode}: {row['reason']}"
    assert row["reason"]
