"""The person's part in a run: answering when the critics are unsure or the agent asks, and taking over the browser.

The runner asks through `PersonAtRun`; who answers is the gate's HumanDesk (terminal, TUI modal) or nobody. The
person's own actions during a takeover are recorded with the demonstration recorder and committed as steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eclair.security.gate import Gate
from eclair.security.human import Question, Reply, unanswered
from eclair.types import ActionResult, Decision, StepRecord, StepTimings, Verdict

PERSON = "human"  # the `critic` of a person's verdict, and the rationale tag of their steps


class PersonAtRun:
    """Asks the gate's desk; remembers why a run had to stop for review."""

    def __init__(self, gate: Gate, secrets: dict[str, str]) -> None:
        self.desk = gate.human
        self.ask_when_unsure = gate.ask_when_unsure
        self.secrets = secrets
        self.stop_reason = ""
        self.took_over_last = False  # the person chose to take over when answering about the last step

    def ask(self, question: Question) -> Reply | None:
        """The person's reply; None when the run must stop for review (nobody here, or they said stop)."""
        if self.desk is None:
            self.stop_reason = unanswered(question)
            return None
        reply = self.desk.ask(question)
        if reply.choice == "stop":
            note = f": {reply.note}" if reply.note else ""
            self.stop_reason = f"stopped for review by the person at {question.kind.replace('_', ' ')}{note}"
            return None
        if reply.choice == "takeover" and not getattr(self.desk, "can_take_over", False):
            self.stop_reason = "a takeover needs a headed browser; stopped for review"
            return None
        return reply

    def takeover_due(self, control: Any) -> bool:
        """Whether the person takes the browser now: asked for by key, or in their last answer (headed only)."""
        due = self.took_over_last or control.take_takeover_request()
        self.took_over_last = False
        return due and bool(getattr(self.desk, "can_take_over", False))

    def answer_agent(self, text: str, url: str) -> tuple[Reply | None, str | None]:
        """The person's reply to the agent's question and the feedback the agent reads next."""
        reply = self.ask(Question("agent_question", "The agent asks:", url, text))
        if reply is None:
            self.stop_reason = f"the agent asked: {text} — {self.stop_reason}"
            return None, None
        self.took_over_last = reply.choice == "takeover"
        return reply, f"the person answered: {reply.note}" if reply.note else None

    def settle_step(self, described: str, label: Verdict, url: str) -> Verdict | None:
        """The person's verdict on a step the critics could not judge; None: the run stops for review."""
        reply = self.ask(Question("unsure_step", f"Did this step work? {described}", url, label.reason))
        self.took_over_last = reply is not None and reply.choice == "takeover"
        return None if reply is None else self.verdict(reply, "the step")

    def settle_result(self, task: str, label: Verdict, url: str) -> Verdict:
        """The person labels a run the critics could not; nobody here (or a takeover asked for): it stays unsure."""
        reply = self.ask(Question("unsure_result", f"Is this task done? {task}", url, label.reason))
        if reply is None or reply.choice == "takeover":
            self.stop_reason = self.stop_reason or "the critics were unsure whether the task was done"
            return label
        return self.verdict(reply, "the result")

    def verdict(self, reply: Reply, about: str) -> Verdict:
        """What the person said, as a verdict beside the critics' (it outranks an unsure panel)."""
        passed = reply.choice in ("yes", "takeover")
        reason = reply.note or ("the person confirmed it" if passed else "the person said it failed")
        return Verdict(
            label="pass" if passed else "fail", score=1.0 if passed else 0.0, reason=f"{about}: {reason}", critic=PERSON
        )

    def take_over(self, page: Any, commit: Callable[[StepRecord, bytes | None], None], index: int) -> tuple[Any, int]:
        """Hand the browser to the person; commit each of their actions as a step. Returns the tab and next index."""
        from eclair.demonstrations.takeover import record_takeover

        assert self.desk is not None
        steps, page = record_takeover(page, self.desk.take_over, self.secrets)
        for taken in steps:
            record = StepRecord(
                index=index,
                observation=taken.before,
                decision=Decision(action=taken.action, rationale=f"{PERSON}: taken over by the person"),
                result=ActionResult(ok=True, located_by="person"),
                verdicts=[Verdict(label="pass", score=1.0, reason="done by the person", critic=PERSON)],
                timings=StepTimings(),
            )
            commit(record, taken.before.screenshot)
            index += 1
        return page, index
