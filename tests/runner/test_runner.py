"""The runner loop on real Chromium and a real SQLite store: retries, loop detection, gate, persistence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from eclair.assemble import RunParts, build_run
from eclair.config import Settings
from eclair.critics import default_panel
from eclair.runner import run_task
from eclair.security.gate import Gate
from eclair.store import Store
from eclair.types import Action, Decision, Observation, StepRecord, Task

Chooser = Callable[[Observation, list[StepRecord]], Action]


def by_name(obs: Observation, name: str, role: str | None = None) -> str:
    for el in obs.elements:
        if el.name == name and (role is None or el.role == role):
            return el.id
    raise AssertionError(f"no element named {name!r} in:\n{obs.text}")


class ScriptedAgent:
    """A policy that follows a fixed script (the test's stand-in for a model's choices)."""

    name = "scripted"

    def __init__(self, script: list[Chooser]) -> None:
        self.script = script
        self.calls = 0

    def begin(self, task: Task) -> None:
        self.calls = 0

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        chooser = self.script[min(self.calls, len(self.script) - 1)]
        self.calls += 1
        return Decision(action=chooser(obs, history), rationale="scripted", expected_outcome="")


def _run(
    page: Any,
    settings: Settings,
    store: Store,
    agent: Any,
    url: str,
    *,
    critics: Any,
    gate: Gate | None = None,
    max_steps: int = 10,
    **collaborators: Any,
) -> Any:
    page.goto(url)
    task = Task(text="Create a ticket for Acme", max_steps=max_steps)
    spec = build_run(task, RunParts(store=store, agent=agent, critics=critics), settings, gate=gate, tracing=False)
    return run_task(spec, page, store=store, **collaborators)


def test_failed_action_is_retried_and_both_attempts_are_stored(page: Any, settings: Settings, ticket_app: str) -> None:
    store = Store(settings)
    agent = ScriptedAgent(
        [
            lambda o, h: Action(kind="click", element="9999"),  # an id that is not on the page
            lambda o, h: Action(kind="click", element=by_name(o, "New ticket")),
            lambda o, h: Action(kind="done"),
        ]
    )
    outcome = _run(page, settings, store, agent, f"{ticket_app}/index.html", critics=None)
    steps = store.get_steps(outcome.run_id)
    assert [(s.index, s.attempt) for s in steps] == [(0, 0), (0, 1), (1, 0)]
    assert steps[0].result is not None and not steps[0].result.ok
    assert steps[0].feedback and "failed" in steps[0].feedback
    assert steps[1].result is not None and steps[1].result.ok
    assert page.url.endswith("/new.html")
    assert outcome.answer is None and outcome.status in ("needs_review", "succeeded")


def test_a_text_only_agent_decides_while_the_screenshot_is_taken(
    page: Any, settings: Settings, ticket_app: str
) -> None:
    import threading

    import cv2
    import numpy as np

    threads: list[str] = []

    class TextOnly(ScriptedAgent):
        uses_screenshot = False

        def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
            threads.append(threading.current_thread().name)
            return super().decide(task, obs, history)

    store = Store(settings)
    agent = TextOnly(
        [
            lambda o, h: Action(kind="click", element=by_name(o, "New ticket")),
            lambda o, h: Action(kind="type", element=by_name(o, "Customer"), text="Acme"),
            lambda o, h: Action(kind="done"),
        ]
    )
    outcome = _run(page, settings, store, agent, f"{ticket_app}/index.html", critics=default_panel())
    assert threads and all(name != threading.main_thread().name for name in threads)
    steps = store.get_steps(outcome.run_id)
    assert len(steps) == 3
    for step in steps:  # every stored step still has the screenshot of the page the agent decided on
        assert step.screenshot_path, step
        png = (store.traces_root / step.screenshot_path).read_bytes()
        image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
        assert image is not None and image.shape[:2] == (800, 1280)
    assert outcome.final.screenshot is not None
    assert page.locator("#customer").input_value() == "Acme"


def test_retries_are_bounded_then_the_run_fails(page: Any, settings: Settings, ticket_app: str) -> None:
    store = Store(settings)
    agent = ScriptedAgent([lambda o, h: Action(kind="click", element=f"{9990 + len(h)}")])
    outcome = _run(page, settings, store, agent, f"{ticket_app}/index.html", critics=None)
    assert outcome.status == "failed"
    assert outcome.error and "failed 3 times" in outcome.error
    assert len(store.get_steps(outcome.run_id)) == settings.max_retries + 1
    assert store.get_run(outcome.run_id).status == "failed"


def test_loop_detection_nudges_then_stops(page: Any, settings: Settings, ticket_app: str) -> None:
    store = Store(settings)
    agent = ScriptedAgent([lambda o, h: Action(kind="click", element=by_name(o, "Refresh"))])
    outcome = _run(page, settings, store, agent, f"{ticket_app}/index.html", critics=None)
    steps = store.get_steps(outcome.run_id)
    assert outcome.status == "failed" and outcome.error == "loop"
    # the first click focuses the button, so the page the loop repeats on is the one after it
    assert 3 <= len(steps) <= 4
    assert steps[-2].feedback and "repeated the same action" in steps[-2].feedback
    assert steps[-1].feedback and steps[-1].feedback.startswith("loop")


def test_gate_refuses_navigation_off_the_allow_list(page: Any, settings: Settings, ticket_app: str) -> None:
    store = Store(settings)
    agent = ScriptedAgent([lambda o, h: Action(kind="goto", url="http://evil.example.com/")])
    outcome = _run(page, settings, store, agent, f"{ticket_app}/index.html", critics=None, gate=Gate(("127.0.0.1",)))
    steps = store.get_steps(outcome.run_id)
    assert outcome.status == "failed"
    assert all(s.result is None for s in steps), "a refused action is never executed"
    assert steps[0].feedback and "outside the allowed domains" in steps[0].feedback
    assert "127.0.0.1" in page.url


def test_events_follow_the_step_lifecycle(page: Any, settings: Settings, ticket_app: str) -> None:
    store = Store(settings)
    events: list[str] = []
    agent = ScriptedAgent(
        [
            lambda o, h: Action(kind="click", element=by_name(o, "New ticket")),
            lambda o, h: Action(kind="type", element=by_name(o, "Customer"), text="Acme"),
            lambda o, h: Action(kind="done"),
        ]
    )
    outcome = _run(
        page,
        settings,
        store,
        agent,
        f"{ticket_app}/index.html",
        critics=default_panel(),
        on_event=lambda e: events.append(e.kind),
    )
    assert events[0] == "run_started" and events[-1] == "run_finished"
    first_step = events[1:6]
    assert first_step == ["step_started", "step_decided", "step_acted", "step_validated", "step_finished"]
    steps = store.get_steps(outcome.run_id)
    assert steps[1].verdicts, "step critics ran and their verdicts were stored"
    assert page.locator("#customer").input_value() == "Acme"
    assert outcome.final.url.endswith("/new.html")


@pytest.mark.slow
@pytest.mark.sqlite_only  # the model's time is the same on any engine; the other runner tests cover Postgres
def test_scoring_agent_with_the_embedded_model_completes_a_multistep_workflow(
    page: Any, settings: Settings, ticket_app: str
) -> None:
    from eclair.models import load_backend
    from eclair.plugins import make_agent

    backend = load_backend(settings)
    store = Store(settings)
    page.goto(f"{ticket_app}/index.html")
    task = Task(text='Create a new ticket for the customer "Acme" with priority "High".', max_steps=8)
    parts = RunParts(store=store, agent=make_agent("scoring", backend), critics=default_panel(), backend=backend)
    outcome = run_task(build_run(task, parts, settings, tracing=True), page, store=store)
    assert page.evaluate("window.__result") == {"customer": "Acme", "priority": "High"}
    steps = store.get_steps(outcome.run_id)
    assert steps[-1].decision.action.kind == "done"
    assert all(s.decision.candidates for s in steps[:-1]), "candidate scores are kept as training signal"
    assert (store.run_dir(outcome.run_id) / "trace.zip").exists()
