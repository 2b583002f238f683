"""The TUI's desk: a run's question shows a modal and blocks the run's thread until the person answers."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Button, Static

from eclair.security.human import Question, Reply
from eclair.tui.human import HandBackModal, QuestionModal, TuiDesk

pytestmark = pytest.mark.asyncio


async def _wait(pilot: Any, condition: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met")


def _ask_in_thread(desk: TuiDesk, question: Question) -> tuple[threading.Thread, list[Reply]]:
    replies: list[Reply] = []
    thread = threading.Thread(target=lambda: replies.append(desk.ask(question)), daemon=True)
    thread.start()
    return thread, replies


async def test_an_unsure_step_is_answered_no_with_a_note() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        desk = TuiDesk(app, app.call_from_thread, lambda: False, headed=False)
        question = Question("unsure_step", "Did this step work? click [5]", "http://app.test/t/3", "score 0.5")
        thread, replies = _ask_in_thread(desk, question)
        await _wait(pilot, lambda: isinstance(app.screen, QuestionModal))
        assert "score 0.5" in str(app.screen.query_one("#question-detail", Static).render())
        assert not app.screen.query("#takeover")  # a headless run offers no takeover
        await pilot.click("#question-note")
        await pilot.press(*"still Low")
        app.screen.query_one("#no", Button).press()
        await _wait(pilot, lambda: bool(replies))
        thread.join(5)
    assert replies == [Reply("no", "still Low")]


async def test_the_agents_question_takes_a_typed_answer_and_a_stopped_run_stops_asking() -> None:
    app: App[None] = App()
    stopped = threading.Event()
    async with app.run_test() as pilot:
        desk = TuiDesk(app, app.call_from_thread, stopped.is_set, headed=True)
        thread, replies = _ask_in_thread(desk, Question("agent_question", "The agent asks:", "", "Which Acme?"))
        await _wait(pilot, lambda: isinstance(app.screen, QuestionModal))
        assert app.screen.query("#takeover")  # headed: the person may take the browser instead
        await pilot.click("#question-note")
        await pilot.press(*"Acme Corp", "enter")
        await _wait(pilot, lambda: bool(replies))
        thread.join(5)
        assert replies == [Reply("answer", "Acme Corp")]
        thread, replies = _ask_in_thread(desk, Question("unsure_result", "Is this task done?"))
        await _wait(pilot, lambda: isinstance(app.screen, QuestionModal))
        stopped.set()  # the person pressed Stop on the live screen meanwhile
        await _wait(pilot, lambda: bool(replies))
        thread.join(5)
    assert replies == [Reply("stop")]


async def test_the_hand_back_modal_ends_a_takeover() -> None:
    app: App[None] = App()

    class Page:  # the run's thread keeps serving the browser while the person holds it
        waits = 0

        def wait_for_timeout(self, ms: float) -> None:
            Page.waits += 1
            threading.Event().wait(ms / 1000)

    ticks: list[int] = []
    async with app.run_test() as pilot:
        desk = TuiDesk(app, app.call_from_thread, lambda: False, headed=True)
        thread = threading.Thread(target=lambda: desk.take_over(Page(), lambda: ticks.append(1)), daemon=True)
        thread.start()
        await _wait(pilot, lambda: isinstance(app.screen, HandBackModal))
        await pilot.pause(0.5)
        assert thread.is_alive() and ticks  # the person still holds the browser; the recorder is being served
        await pilot.press("enter")
        thread.join(5)
        assert not thread.is_alive()
