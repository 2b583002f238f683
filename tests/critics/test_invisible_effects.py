"""A click whose effect is invisible (it only runs a script) is not a failed step: the agent is not sent to retry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eclair.bench.critic_generate import ScriptedAgent
from eclair.config import Settings
from eclair.critics import combine, default_panel
from eclair.types import Task

from .conftest import SITE

pytestmark = pytest.mark.slow

THREE_BUTTONS = "".join(
    f"<button onclick=\"window.answer = '{label}'\">{label}</button>" for label in ("Yes", "No", "Maybe")
)


def test_a_script_only_click_is_not_a_failed_step(page_with: Any, tmp_path: Path) -> None:
    from eclair.assemble import RunParts, build_run
    from eclair.runner import run_task
    from eclair.store import Store

    page = page_with(THREE_BUTTONS)
    settings = Settings(data_dir=tmp_path / "data", traces_dir=tmp_path / "traces", max_retries=2)
    task = Task(text='Click the "Yes" button, then finish.', start_url=f"{SITE}/")
    agent = ScriptedAgent(['Click the "Yes" button'])
    panel = default_panel()
    store = Store(settings)
    spec = build_run(task, RunParts(store=store, agent=agent, critics=panel), settings, tracing=False)
    outcome = run_task(spec, page, store=store)

    assert page.evaluate("window.answer") == "Yes"  # the click did run its script
    clicks = [s for s in outcome.steps if s.decision.action.kind == "click"]
    assert len(clicks) == 1, [s.feedback for s in clicks]  # no retry of a correct click
    label = combine(clicks[0].verdicts, threshold=panel.step_threshold)
    assert label.label != "fail", label
    assert clicks[0].feedback is None
    change = next(v for v in clicks[0].verdicts if v.critic == "rule.changed")
    assert change.label == "unsure" and "no visible effect" in change.reason
