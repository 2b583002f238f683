"""A recorded demonstration compiles, replays with new values and no model, and the hidden checker agrees."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from demos.server import DemoServer
from demos.suite import make_env
from eclair.config import Settings
from eclair.replay import compile_demonstration, replay
from eclair.store import Store
from tests.replay.conftest import record_oracle

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("workflow", ["helpdesk-create-ticket", "helpdesk-login-reprioritize"])
def test_demonstration_replays_with_new_values(
    workflow: str, demo_server: DemoServer, settings: Settings, store: Store, browser: Any
) -> None:
    from eclair.browser import new_context

    record_oracle(workflow, demo_server.base_url, 0, settings=settings, store=store, browser=browser)
    program = compile_demonstration(store, workflow)
    assert program.params and "{{" in program.description
    env = make_env(workflow, demo_server.base_url)
    context = new_context(browser)
    try:
        page = context.new_page()
        task = env.setup(page, 7)
        assert task.params != program.params  # new values, not the demonstrated ones
        result = replay(
            program,
            page,
            store=store,
            settings=settings,
            params=task.params,
            secrets=task.secrets,
            task=task,
            navigate_first=False,
        )
        assert result.status == "succeeded", result.error
        assert result.model_calls == 0 and not result.healed
        ok, reason = env.check(result.page)
        assert ok, reason
    finally:
        context.close()
    run = store.get_run(result.run_id)
    assert run.status == "succeeded" and run.agent == "replay" and run.n_steps == len(program.steps)
    secret = task.secrets.get("password")
    if secret:  # typed from {{password}}; never stored
        assert all(secret not in (s.decision.action.text or "") for s in store.get_steps(result.run_id))


def test_workflows_cli_lists_shows_and_diffs(settings: Settings, store: Store, monkeypatch: Any) -> None:
    from eclair.cli import app
    from eclair.replay.program import Program, ProgramStep, Target

    for key, value in {"ECLAIR_DATA_DIR": settings.data_dir, "ECLAIR_TRACES_DIR": settings.traces_dir}.items():
        monkeypatch.setenv(key, str(value))
    step = ProgramStep(kind="click", intent='Click button "Save"', target=Target(role="button", name="Save"))
    program = Program(name="save-it", description="Save {{thing}}", params={"thing": "x"}, steps=[step])
    store.save_program("save-it", program.model_dump(mode="json"), source="test")
    healed = step.model_copy(update={"target": Target(role="button", name="Store"), "healed": True})
    store.save_program("save-it", program.model_copy(update={"steps": [healed]}).model_dump(mode="json"))
    runner = CliRunner()
    listed = runner.invoke(app, ["workflows", "list"])
    assert listed.exit_code == 0 and "save-it" in listed.output and "v2" in listed.output
    shown = runner.invoke(app, ["workflows", "show", "save-it", "--version", "1"])
    assert shown.exit_code == 0 and 'target: button "Save"' in shown.output and "thing" in shown.output
    diff = runner.invoke(app, ["workflows", "diff", "save-it", "1", "2"])
    assert diff.exit_code == 0 and '+      target: button "Store"' in diff.output, diff.output
    missing = runner.invoke(app, ["workflows", "show", "nope"])
    assert missing.exit_code != 0


def test_a_replayed_step_meets_the_gate(settings: Settings, store: Store, page: Any, fixtures_url: str) -> None:
    from eclair.replay.program import Program, ProgramStep

    page.goto(f"{fixtures_url}/form.html")
    away = ProgramStep(kind="goto", intent="Go to {{url}}", url="{{url}}")
    program = Program(name="leave", description="Open {{url}}", params={"url": "x"}, steps=[away])
    fenced = settings.with_overrides(allowed_domains="127.0.0.1")
    result = replay(
        program, page, store=store, settings=fenced, params={"url": "http://example.invalid/"}, navigate_first=False
    )
    assert result.status == "failed" and "refused" in (result.error or "")
    assert "example.invalid" not in page.url
    (step,) = store.get_steps(result.run_id)
    assert step.result is None and step.feedback and "refused" in step.feedback
