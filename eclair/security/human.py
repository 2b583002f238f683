"""Asking a person during a run: when the critics are unsure, when the agent asks, and handing them the browser.

A HumanDesk is whoever can answer: the terminal (`console_desk`), the TUI's modal, or nobody (None). With nobody
to ask, a question the run needs answered stops it with status `needs_review` and the question as its reason.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

QuestionKind = Literal["unsure_step", "unsure_result", "agent_question"]
Choice = Literal["yes", "no", "stop", "takeover", "answer"]
Tick = Callable[[], None]  # called often while the person holds the browser (the recorder snapshots quiet pages)


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    text: str  # what is asked, in one or two lines
    url: str = ""
    detail: str = ""  # the critics' reason, or the agent's question


@dataclass(frozen=True)
class Reply:
    choice: Choice
    note: str = ""  # the person's words: why it failed, or the answer to the agent's question


class HumanDesk(Protocol):
    """Someone who can answer a run's questions and, in a headed browser, take it over."""

    can_take_over: bool

    def ask(self, question: Question) -> Reply:
        """Block until the person answers."""
        ...

    def take_over(self, page: Any, tick: Tick) -> None:
        """The person drives `page` until they hand it back; call `tick()` at least every ~100 ms meanwhile."""
        ...


def unanswered(question: Question) -> str:
    """The run's stop reason when nobody can answer `question`."""
    what = {
        "unsure_step": "the critics were unsure about a step",
        "unsure_result": "the critics were unsure whether the task was done",
        "agent_question": "the agent asked a question",
    }[question.kind]
    detail = f" ({question.detail})" if question.detail else ""
    return f"{what}{detail} and nobody could be asked here (not a terminal); review it with `eclair review`"


PROMPTS = {
    "unsure_step": "[y] it worked, go on · [n] it failed (add a note: n: why) · [s] stop for review",
    "unsure_result": "[y] the task is done · [n] it is not (n: why) · [s] leave it for review",
    "agent_question": "type your answer · [s] stop for review",
}


def parse_reply(kind: QuestionKind, line: str) -> Reply:
    """A typed line as a Reply: y / n[: note] / s / t; for the agent's question any other text is the answer."""
    text = line.strip()
    head, _, note = text.partition(":")
    word = head.strip().lower()
    if word in ("t", "take", "takeover"):
        return Reply("takeover")
    if word in ("s", "stop", ""):
        return Reply("stop")
    if kind == "agent_question":
        return Reply("answer", text)
    if word in ("y", "yes"):
        return Reply("yes", note.strip())
    if word in ("n", "no"):
        return Reply("no", note.strip())
    return Reply("stop", text)


class ConsoleDesk:
    """Questions on the terminal; in a headed browser `t` hands the browser to the person until they press Enter."""

    def __init__(self, *, headed: bool) -> None:
        self.can_take_over = headed

    def ask(self, question: Question) -> Reply:
        options = PROMPTS[question.kind] + (" · [t] take over the browser" if self.can_take_over else "")
        detail = f"\n  {question.detail}" if question.detail else ""
        line = input(f"\n{question.text}{detail}\n  on {question.url}\n  {options}\n> ")
        reply = parse_reply(question.kind, line)
        return Reply("stop") if reply.choice == "takeover" and not self.can_take_over else reply

    def take_over(self, page: Any, tick: Tick) -> None:
        handed_back = threading.Event()
        print("The browser is yours: act in its window; your actions are recorded. Press Enter to hand back.")
        threading.Thread(target=lambda: (sys.stdin.readline(), handed_back.set()), daemon=True).start()
        while not handed_back.is_set() and not page.is_closed():
            page.wait_for_timeout(100)
            tick()


def console_desk(*, headed: bool) -> ConsoleDesk | None:
    """The terminal when eclair runs in one; None otherwise (the run then stops for review instead of asking)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    return ConsoleDesk(headed=headed)
