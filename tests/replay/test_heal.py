"""Healing on the drift UI: a broken step goes to the policy alone, is verified, and a new version is saved.

The policy here is a test agent that knows the drift's renames (the bench measures the real embedded model); what
is under test is the machinery: detection, the one-step hand-over, verification, and the stored next version.
"""

from __future__ import annotations

from typing import Any

import pytest

from demos.server import DemoServer
from demos.suite import make_env
from eclair.config import Settings
from eclair.replay import compile_demonstration, replay
from eclair.replay.program import Program
from eclair.store import Store
from eclair.types import Action, Decision, Observation, StepRecord, Task
from tests.replay.conftest import record_oracle

pytestmark = pytest.mark.slow
RENAMED = {"Heart rate (bpm)": "Pulse (bpm)", "Store vitals": "Save vitals"}


class KnowsTheRenames:
    """Acts on the element whose old name the step's text quotes; counts its decisions."""

    name = "renames"

    def __init__(self) -> None:
        self.calls = 0

    def begin(self, task: Task) -> None:
        pass

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        self.calls += 1
        for element in obs.elements:
            if f'"{RENAMED.get(element.name, element.name)}"' in task.text:
                if element.role == "textbox":
                    value = next(iter(task.params.values()))
                    return Decision(action=Action(kind="type", element=element.id, text=value))
                return Decision(action=Action(kind="click", element=element.id))
        return Decision(action=Action(kind="done"))


def _drift_page(browser: Any, server: DemoServer) -> Any:
    from eclair.browser import new_context

    context = new_context(browser)
    host = server.base_url.split("://", 1)[1].rsplit(":", 1)[0]
    context.add_cookies([{"name": "demo_ui", "value": "drift", "domain": host, "path": "/"}])
    return context


def test_drift_breaks_a_step_and_the_policy_heals_it(
    demo_server: DemoServer, settings: Settings, store: Store, browser: Any
) -> None:
    workflow = "clinic-record-pulse"
    record_oracle(workflow, demo_server.base_url, 0, settings=settings, store=store, browser=browser)
    program = compile_demonstration(store, workflow)
    program.version = store.save_program(workflow, program.model_dump(mode="json"))
    env = make_env(workflow, demo_server.base_url)

    context = _drift_page(browser, demo_server)
    try:
        task = env.setup(context.new_page(), 3)
        page = context.pages[0]
        blind = replay(
            program, page, store=store, settings=settings, params=task.params, task=task, navigate_first=False
        )
        assert blind.status == "failed" and "Pulse (bpm)" in (blind.error or "")  # no policy: it stops, honestly
        assert store.get_run(blind.run_id).status == "failed"

        task = env.setup(page, 4)
        agent = KnowsTheRenames()
        healed = replay(
            program,
            page,
            store=store,
            settings=settings,
            params=task.params,
            task=task,
            policy=lambda: agent,
            navigate_first=False,
        )
        assert healed.status == "succeeded", healed.error
        assert env.check(healed.page)[0]
    finally:
        context.close()
    assert [s.how for s in healed.steps].count("healed") == 2 and healed.model_calls == agent.calls == 2
    assert healed.new_version == program.version + 1
    stored = store.get_program(workflow, healed.new_version)
    assert stored.status == "pending_review"  # a program the policy changed waits for a person (approve_all off)
    new = Program.model_validate(stored.program)
    assert new.steps[1].target is not None and new.steps[1].target.name == "Heart rate (bpm)"
    assert new.steps[1].value == "{{pulse}}" and new.steps[1].healed
