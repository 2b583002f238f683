"""The person at the TUI: a modal for the run's questions (unsure critics, the agent asking), and the takeover.

`TuiDesk` is the HumanDesk the live screen gives the gate. Its methods run on the run's worker thread; they show
a modal on the UI thread and block until the person answers (or the run is stopped).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from eclair.security.human import Question, Reply, Tick

TITLES = {
    "unsure_step": "The critics are unsure about this step",
    "unsure_result": "The critics are unsure whether the task is done",
    "agent_question": "The agent asks",
}


class QuestionModal(ModalScreen[Reply]):
    """y: it worked · n: it failed (the note says why) · s: stop for review · t: take over (headed runs)."""

    CSS_PATH = "widgets.tcss"
    BINDINGS = [Binding("escape", "stop", "Stop for review")]

    def __init__(self, question: Question, *, can_take_over: bool) -> None:
        super().__init__()
        self.question = question
        self.can_take_over = can_take_over

    def compose(self) -> ComposeResult:
        q = self.question
        with Vertical(id="approval-box"):
            yield Label(TITLES[q.kind], id="approval-title")
            yield Static(q.text, id="question-text")
            if q.detail:
                yield Static(f"Why asked: {q.detail}", id="question-detail")
            if q.url:
                yield Static(f"Page: {q.url}")
            placeholder = "your answer" if q.kind == "agent_question" else "a note (why it failed), optional"
            yield Input(placeholder=placeholder, id="question-note")
            with Horizontal(id="approval-buttons"):
                if q.kind == "agent_question":
                    yield Button("Answer", variant="success", id="answer")
                else:
                    yield Button("Yes", variant="success", id="yes")
                    yield Button("No", variant="error", id="no")
                yield Button("Stop for review", id="stop")
                if self.can_take_over:
                    yield Button("Take over", variant="warning", id="takeover")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        note = self.query_one("#question-note", Input).value.strip()
        self.dismiss(Reply(event.button.id, note))  # type: ignore[arg-type]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.question.kind == "agent_question" and event.value.strip():
            self.dismiss(Reply("answer", event.value.strip()))

    def action_stop(self) -> None:
        self.dismiss(Reply("stop"))


class HandBackModal(ModalScreen[bool]):
    """Shown while the person holds the browser; Enter (or the button) hands it back to the agent."""

    CSS_PATH = "widgets.tcss"
    BINDINGS = [Binding("enter,h", "hand_back", "Hand back")]

    def compose(self) -> ComposeResult:
        with Vertical(id="approval-box"):
            yield Label("The browser is yours", id="approval-title")
            yield Static("Act in the browser window; each action is recorded as a step of this run.")
            yield Button("Hand back to the agent (Enter)", variant="success", id="hand-back")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(True)

    def action_hand_back(self) -> None:
        self.dismiss(True)


class TuiDesk:
    """Questions and takeovers through the TUI; `post` runs a callable on the UI thread, `stopped` ends a wait."""

    def __init__(self, app: Any, post: Callable[..., None], stopped: Callable[[], bool], *, headed: bool) -> None:
        self.app = app
        self.post = post
        self.stopped = stopped
        self.can_take_over = headed

    def _show(self, modal: ModalScreen[Any], wait: Callable[[], None] | None = None) -> Any:
        answered = threading.Event()
        box: dict[str, Any] = {}

        def record(result: Any) -> None:
            box["result"] = result
            answered.set()

        self.post(lambda: self.app.push_screen(modal, callback=record))
        while not answered.is_set():
            if self.stopped():
                return None
            if wait is None:
                answered.wait(0.1)
            else:
                wait()
        return box.get("result")

    def ask(self, question: Question) -> Reply:
        reply = self._show(QuestionModal(question, can_take_over=self.can_take_over))
        return reply if isinstance(reply, Reply) else Reply("stop")

    def take_over(self, page: Any, tick: Tick) -> None:
        def wait() -> None:
            page.wait_for_timeout(100)  # the run's thread owns the browser: keep it serving the recorder
            tick()

        self._show(HandBackModal(), wait)
