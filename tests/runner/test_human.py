"""A person in the loop: unsure critics and the agent's questions pause the run for them; nobody here → review.

Real Chromium, a real store and the real critic panel; its model judge is an OpenAI-compatible server that
answers "unsure" (the protocol a remote judge speaks). The person is a desk scripted by the test; in the takeover
test Playwright drives their actions in the same browser through the demonstration recorder.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from eclair.assemble import RunParts, build_run
from eclair.config import Settings
from eclair.control import RunControl
from eclair.critics import default_panel
from eclair.runner import run_task
from eclair.security.gate import Gate
from eclair.security.human import Question, Reply, Tick, parse_reply
from eclair.store import Store
from eclair.types import Action, Task
from tests.models.chat_server import ChatServer, completion_body
from tests.models.chat_server import Reply as ServerReply
from tests.runner.test_runner import ScriptedAgent, by_name

UNSURE = '{"verdict": "unsure", "reason": "cannot tell from the page"}'


class Desk:
    """A person at the terminal, answering from a script; `acts` is what they do when given the browser."""

    def __init__(self, *answers: str, acts: Any = None) -> None:
        self.answers = list(answers)
        self.asked: list[Question] = []
        self.acts = acts
        self.can_take_over = acts is not None

    def ask(self, question: Question) -> Reply:
        self.asked.append(question)
        return parse_reply(question.kind, self.answers.pop(0) if self.answers else "s")

    def take_over(self, page: Any, tick: Tick) -> None:
        self.acts(page, tick)


@pytest.fixture(scope="module")
def unsure_judge() -> Iterator[Any]:
    from eclair.models import OpenAICompatBackend

    with ChatServer(default=lambda request: ServerReply(body=completion_body(UNSURE))) as server:
        yield OpenAICompatBackend(server.base_url, "test-key", "judge", timeout=5, max_retries=0)


def _run(page: Any, settings: Settings, agent: Any, gate: Gate, url: str, **kwargs: Any) -> tuple[Any, Store]:
    store = Store(settings)
    page.goto(url)
    task = Task(text="Create a ticket for Acme", max_steps=kwargs.pop("max_steps", 4))
    parts = RunParts(store=store, agent=agent, critics=kwargs.pop("critics", None))
    spec = build_run(task, parts, settings, gate=gate, tracing=False)
    return run_task(spec, page, store=store, **kwargs), store


def _scrolls() -> ScriptedAgent:
    return ScriptedAgent([lambda o, h: Action(kind="scroll"), lambda o, h: Action(kind="done")])


def test_unsure_critics_with_nobody_to_ask_stop_the_run_for_review(
    page: Any, settings: Settings, fixtures_url: str, unsure_judge: Any
) -> None:
    gate = Gate(human=None, ask_when_unsure=True)
    outcome, store = _run(
        page, settings, _scrolls(), gate, f"{fixtures_url}/long.html", critics=default_panel(judge=unsure_judge)
    )
    assert outcome.status == "needs_review"
    assert (
        outcome.error
        and "critics were unsure about a step" in outcome.error
        and "nobody could be asked" in outcome.error
    )
    assert len(store.get_steps(outcome.run_id)) == 1  # the unsure step is committed, nothing after it
    assert store.get_run(outcome.run_id).status == "needs_review"


def test_without_ask_when_unsure_an_unsure_step_goes_on(
    page: Any, settings: Settings, fixtures_url: str, unsure_judge: Any
) -> None:
    desk = Desk("y")
    outcome, _ = _run(
        page,
        settings,
        _scrolls(),
        Gate(human=desk),
        f"{fixtures_url}/long.html",
        critics=default_panel(judge=unsure_judge),
    )
    assert desk.asked == [] and len(outcome.steps) == 2  # as before: the policy is off by default


def test_the_person_settles_unsure_steps_and_their_note_reaches_the_agent(
    page: Any, settings: Settings, fixtures_url: str, unsure_judge: Any
) -> None:
    desk = Desk("n: the list did not move", "y", "y")
    agent = ScriptedAgent([lambda o, h: Action(kind="scroll")] * 2 + [lambda o, h: Action(kind="done")])
    outcome, store = _run(
        page,
        settings,
        agent,
        Gate(human=desk, ask_when_unsure=True),
        f"{fixtures_url}/long.html",
        critics=default_panel(judge=unsure_judge),
    )
    assert [q.kind for q in desk.asked][:2] == ["unsure_step", "unsure_step"]
    assert "score" in desk.asked[0].detail  # the panel says why it could not decide
    steps = store.get_steps(outcome.run_id)
    first, second = steps[0], steps[1]
    assert first.feedback and "the list did not move" in first.feedback  # a "no" is a failed step: retried
    assert (second.index, second.attempt) == (0, 1)
    human = [v for v in second.verdicts if v.critic == "human"]
    assert human and human[0].label == "pass"


def test_the_agents_question_goes_to_the_person_or_stops_for_review(
    page: Any, settings: Settings, ticket_app: str
) -> None:
    asks = [lambda o, h: Action(kind="ask_human", text="Which Acme: Acme Corp or Acme Ltd?")]
    seen: list[str | None] = []

    def after_answer(o: Any, h: Any) -> Action:
        seen.append(h[-1].feedback)
        return Action(kind="done")

    desk = Desk("Acme Corp")
    answered, _ = _run(
        page, settings, ScriptedAgent([*asks, after_answer]), Gate(human=desk), f"{ticket_app}/index.html"
    )
    assert desk.asked[0].kind == "agent_question" and "Acme Ltd" in desk.asked[0].detail
    assert seen == ["the person answered: Acme Corp"] and answered.error is None  # it went on to "done"
    alone, _ = _run(page, settings, ScriptedAgent(asks), Gate(human=None), f"{ticket_app}/index.html")
    assert alone.status == "needs_review" and alone.error and alone.error.startswith("the agent asked: Which Acme")


def _person_creates_the_ticket(page: Any, tick: Tick) -> None:
    """What the person does in the browser, at a person's pace (the recorder snapshots the quiet page)."""

    def pause() -> None:
        for _ in range(6):
            page.wait_for_timeout(100)
            tick()

    pause()
    page.get_by_role("link", name="New ticket").click()
    pause()
    page.get_by_label("Customer").fill("Acme")
    pause()
    page.get_by_label("Priority").select_option("High")
    pause()
    page.get_by_role("button", name="Create ticket").click()
    pause()


@pytest.mark.slow
def test_a_takeover_records_the_persons_actions_as_steps_then_hands_back(
    page: Any, settings: Settings, ticket_app: str
) -> None:
    seen: list[str] = []

    def after_handback(o: Any, h: Any) -> Action:
        seen.append(o.url)
        return Action(kind="done")

    control = RunControl()
    control.request_takeover()  # the TUI's key, pressed before the first step
    desk = Desk(acts=_person_creates_the_ticket)
    outcome, store = _run(
        page,
        settings,
        ScriptedAgent([after_handback]),
        Gate(human=desk),
        f"{ticket_app}/index.html",
        control=control,
        max_steps=8,
    )
    steps = store.get_steps(outcome.run_id)
    person = [s for s in steps if s.decision.rationale.startswith("human:")]
    described = [s.decision.action for s in person]
    assert [a.kind for a in described] == ["click", "type", "select", "click"], [a.describe() for a in described]
    assert by_name(person[0].observation, "New ticket") == described[0].element
    assert described[1].text == "Acme" and described[2].text == "High"
    assert by_name(person[1].observation, "Customer") == described[1].element
    assert all(s.result is not None and s.result.located_by == "person" for s in person)
    assert [s.index for s in steps] == list(range(len(steps)))  # the agent's step follows the person's
    assert seen and seen[0].endswith("/new.html")  # handed back where the person left it
    assert page.evaluate("window.__result") == {"customer": "Acme", "priority": "High"}


def test_an_unsure_result_is_labelled_by_the_person_or_left_for_review() -> None:
    from eclair.runner_human import PersonAtRun
    from eclair.types import Verdict

    unsure = Verdict(label="unsure", score=0.5, reason="p=0.5", critic="combined")
    desk = Desk("n: no ticket was created")
    label = PersonAtRun(Gate(human=desk, ask_when_unsure=True), {}).settle_result("Create a ticket", unsure, "u")
    assert desk.asked[0].kind == "unsure_result" and "Create a ticket" in desk.asked[0].text
    assert (label.critic, label.label) == ("human", "fail") and "no ticket was created" in label.reason
    nobody = PersonAtRun(Gate(human=None, ask_when_unsure=True), {})
    assert nobody.settle_result("Create a ticket", unsure, "u") is unsure
    assert "unsure whether the task was done" in nobody.stop_reason and "nobody could be asked" in nobody.stop_reason
