"""Every hidden checker, both ways: the scripted solution passes; one step short or a wrong value fails."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from demos.server import DemoServer
from demos.suite import SUITES, WORKFLOWS, make_env
from demos.suite.spec import SECRET_KEYS

SEED = 11


@pytest.mark.parametrize("workflow_id", list(WORKFLOWS))
def test_checker_fails_one_step_short_then_passes(workflow_id: str, demo_server: DemoServer, demo_page: Any) -> None:
    spec = WORKFLOWS[workflow_id]
    env = make_env(workflow_id, demo_server.base_url)
    try:
        task = env.setup(demo_page, SEED)
        assert not SECRET_KEYS & set(task.params), "a secret reached Task.params"
        steps = spec.solution({**task.params, **task.secrets})
        assert 2 <= len(steps) <= 15, f"{workflow_id} has {len(steps)} steps"
        for step in steps[:-1]:
            step.run(demo_page)
        reward, done = env.validate(demo_page)
        assert (reward, done) == (0.0, False), f"passed one step short: {env.last_reason}"
        steps[-1].run(demo_page)
        reward, done = env.validate(demo_page)
        assert (reward, done) == (1.0, True), env.last_reason
    finally:
        env.teardown()


@pytest.mark.slow  # a second full browser episode per workflow; the short-run test above is the fast guard
@pytest.mark.parametrize("workflow_id", list(WORKFLOWS))
def test_checker_fails_on_a_wrong_value(workflow_id: str, demo_server: DemoServer, demo_page: Any) -> None:
    spec = WORKFLOWS[workflow_id]
    env = make_env(workflow_id, demo_server.base_url)
    try:
        env.setup(demo_page, SEED)
        wrong = spec.wrong_params(env.params, env.initial)
        assert wrong != env.params
        try:
            for step in spec.solution(wrong):
                step.run(demo_page)
        except PlaywrightError:
            pass  # the wrong value could not even be entered (e.g. no such appointment); the checker must still fail
        reward, _ = env.validate(demo_page)
        assert reward == 0.0, f"a wrong value passed: {wrong}"
        assert env.last_reason
    finally:
        env.teardown()


def test_suites_name_real_workflows() -> None:
    assert len(SUITES["smoke"]) == 3
    assert set(SUITES["smoke"]) <= set(WORKFLOWS)
    assert SUITES["all"] == list(WORKFLOWS)
