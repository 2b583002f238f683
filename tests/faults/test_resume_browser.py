"""A real run stopped by SIGTERM (what `timeout` sends) is stored as interrupted with its reason, and
`resume_run` finishes it in a fresh browser: the typed fields replayed, the steps appended to the same run."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from eclair.assemble import RunParts, build_run
from eclair.bench.faults import START, STEPS, scripted
from eclair.bench.security_pages import serve_leak_pages
from eclair.browser import navigate
from eclair.config import Settings
from eclair.errors import Terminated, terminate_politely
from eclair.resume import resume_run
from eclair.runner import run_task
from eclair.store import Store
from eclair.types import Task


@pytest.mark.slow
def test_sigterm_interrupts_and_resume_finishes_the_run(settings: Settings, page: Any) -> None:
    settings = settings.with_overrides(max_retries=1)
    store = Store(settings)
    previous = signal.getsignal(signal.SIGTERM)
    terminate_politely()
    agent = scripted(lambda: os.kill(os.getpid(), signal.SIGTERM))
    try:
        with serve_leak_pages() as base_url:
            task = Task(text="fill in the name twice, save, fill in the token", start_url=base_url + START)
            navigate(page, task.start_url or "")
            with pytest.raises(Terminated):
                run_task(build_run(task, RunParts(store=store, agent=agent, critics=None), settings), page, store=store)
            run_id = store.list_runs(limit=1)[0].id
            stopped = Store(settings).get_run(run_id)
            assert stopped.status == "interrupted" and "SIGTERM" in (stopped.error or "")
            assert [(s.index, s.attempt) for s in store.get_steps(run_id)] == agent.committed == [(0, 0), (1, 0)]

            plans = []
            outcome = resume_run(
                run_id,
                settings,
                parts=RunParts(store=store, agent=scripted(), critics=None),
                on_plan=lambda plan, problems: plans.append((plan.mode, len(plan.replay), problems)),
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert plans == [("replay", 2, [])]
    assert outcome.run_id == run_id and outcome.answer == "finished"
    steps = store.get_steps(run_id)
    assert [s.index for s in steps] == list(range(len(STEPS)))
    assert "value 1" in steps[3].observation.text  # the replayed typing reached the saved page
    resumed = store.get_run(run_id)
    assert resumed.status == "needs_review" and resumed.error is None  # finished; no critics judged it
