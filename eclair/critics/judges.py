"""Model judges for steps, task completion and SOP adherence.

Two ways to ask a model: backends that are a `Scorer` (the embedded 135M model) are judged by comparing calibrated
log-likelihoods of "Yes"/"No" after the question — PMI against the same question without the evidence — since
their free-form JSON is unreliable; other backends answer JSON through `generate_json`. Anything malformed is
"unsure", never "pass".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

from eclair.critics.base import CriticRole
from eclair.critics.diff import describe_changes
from eclair.models.base import Backend, scorer_of
from eclair.prompting import render_prompt
from eclair.types import UNTRUSTED_NOTE, Action, ActionResult, Observation, StepRecord, Task, Verdict, fence_untrusted

log = logging.getLogger(__name__)

YES, NO = "Yes", "No"


def judge_prompt(name: str, **values: Any) -> str:
    """A judge's prompt text from its template `judge_<name>.j2` beside this module."""
    return render_prompt(__file__, f"judge_{name}.j2", **values)


class JudgeAnswer(BaseModel):
    verdict: Literal["pass", "fail", "unsure"]
    reason: str = ""


class SopAnswer(BaseModel):
    verdict: Literal["pass", "fail", "unsure"]
    skipped: list[int] = []
    wrong: list[int] = []
    reason: str = ""


def parse_judge_reply(text: str, critic: str) -> Verdict:
    """A judge's JSON reply as a Verdict; anything that does not parse is "unsure" (never "pass")."""
    from eclair.models.structured import JSONParseError, parse_as

    try:
        answer = parse_as(text, JudgeAnswer)
    except JSONParseError as exc:
        return Verdict(label="unsure", score=0.5, reason=f"unreadable judge reply ({exc})", critic=critic)
    score = {"pass": 0.8, "fail": 0.2, "unsure": 0.5}[answer.verdict]
    return Verdict(label=answer.verdict, score=score, reason=answer.reason[:300] or answer.verdict, critic=critic)


def _unsure(critic: str, reason: str) -> Verdict:
    return Verdict(label="unsure", score=0.5, reason=reason[:300], critic=critic)


def _from_answer(verdict: str, reason: str, critic: str) -> Verdict:
    score = {"pass": 0.8, "fail": 0.2, "unsure": 0.5}[verdict]
    return Verdict(label=verdict, score=score, reason=reason[:300] or verdict, critic=critic)  # type: ignore[arg-type]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def _unfenced(text: str) -> str:
    """Page words quoted outside a fence (an element's name) cannot open or close one."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def describe_action(action: Action, obs: Observation | None) -> str:
    """The action as a model should read it: role and name of the target, not its id (ids mean nothing to it)."""
    el = obs.element(action.element) if obs is not None and action.element else None
    target = f' {el.role} "{_unfenced(el.name)}"' if el is not None else ""
    if action.kind == "type":
        secret = "{{" in (action.text or "") or (el is not None and "password" in el.name.lower())
        text = "[secret]" if secret else repr(action.text)  # secrets never reach a prompt
        return f"type {text} into{target or ' a field'}" + (" and press Enter" if action.enter else "")
    if action.kind == "select":
        return f"select {action.text!r} in{target or ' a list'}"
    if action.kind == "check":
        return f"{'tick' if action.checked else 'untick'}{target or ' a box'}"
    if action.kind == "goto":
        return f"open {action.url}"
    if action.kind == "press":
        return f"press {action.key}" + (f" in{target}" if target else "")
    if action.kind == "done":
        return "finish" + (f" with answer {action.text!r}" if action.text else "")
    return f"{action.kind}{target}" if target else action.describe()


class ModelJudge:
    """Shared machinery: ask a yes/no question by calibrated scoring, or by JSON generation."""

    name = "judge"
    role: CriticRole = "judge"

    def __init__(self, backend: Backend, *, margin: float = 1.0, temperature: float = 2.0, max_page_chars: int = 700):
        self.backend = backend
        self.margin = margin  # |calibrated log-odds| below this is "unsure"
        self.temperature = temperature  # log-odds → score squashing
        self.max_page_chars = max_page_chars
        self.scorer = scorer_of(backend)  # log-likelihoods when the backend declares them (a local model)

    def can_score(self) -> bool:
        """Whether the backend returns log-likelihoods (it is a `Scorer`)."""
        return self.scorer is not None

    def ask(self, evidence: str, question: str, *, images: Sequence[bytes] = ()) -> Verdict:
        """pass/fail/unsure for a yes/no question about `evidence` (page-derived, so fenced as data)."""
        evidence = fence_untrusted(evidence, "EVIDENCE")
        if self.scorer is not None:
            asked = (judge_prompt("ask", evidence=evidence, question=question), question)  # the bare one: PMI prior
            prompts = [self.scorer.render_chat([{"role": "user", "content": user}]) for user in asked]
            (yes, no), (prior_yes, prior_no) = self.scorer.score_many(prompts, [YES, NO])
            log_odds = (yes - no) - (prior_yes - prior_no)  # PMI: what the evidence adds to the bare question
            label = "pass" if log_odds >= self.margin else "fail" if log_odds <= -self.margin else "unsure"
            return Verdict(
                label=label,  # type: ignore[arg-type]
                score=round(_sigmoid(log_odds / self.temperature), 3),
                reason=f"calibrated log-odds yes:no = {log_odds:+.2f}",
                critic=self.name,
            )
        return self._ask_json(judge_prompt("ask", evidence=evidence, question=question), images)

    def _ask_json(self, user: str, images: Sequence[bytes]) -> Verdict:
        from eclair.models.base import ModelError
        from eclair.models.structured import generate_json

        messages = [
            {"role": "system", "content": judge_prompt("system", untrusted_note=UNTRUSTED_NOTE)},
            {"role": "user", "content": user},
        ]
        use_images = list(images) if self.backend.supports_images else []
        try:
            answer, _ = generate_json(self.backend, messages, JudgeAnswer, retries=1, images=use_images, max_tokens=160)
        except ModelError as exc:
            return _unsure(self.name, f"judge gave no usable answer: {exc}")
        return _from_answer(answer.verdict, answer.reason, self.name)

    def _page(self, obs: Observation) -> str:
        text = obs.text or "\n".join(f"{e.role} {e.name}" for e in obs.elements)
        return text[: self.max_page_chars]


class StepJudge(ModelJudge):
    """Did this step do what was expected? Reads the action, the expected outcome and what changed."""

    name = "judge.step"

    def check_step(
        self,
        before: Observation,
        action: Action,
        after: Observation,
        expected: str = "",
        *,
        result: ActionResult | None = None,
        history: Sequence[StepRecord] = (),
    ) -> Verdict:
        error = None if result is None or result.ok else str(result.error)
        evidence = judge_prompt("step_evidence", changes=describe_changes(before, after), error=error)
        question = judge_prompt("step_question", action=describe_action(action, before), expected=expected)
        images = [s for s in (before.screenshot, after.screenshot) if s]
        return self.ask(evidence, question, images=images)

    def needs_pixels(
        self, before: Observation, action: Action, after: Observation, result: ActionResult | None
    ) -> bool:
        return bool(self.backend.supports_images)


def trajectory_text(trajectory: Sequence[StepRecord], *, include_rationale: bool = False) -> str:
    """Numbered actions of a run; the agent's rationale (its own claims) only when asked for."""
    lines = []
    for n, step in enumerate(trajectory, start=1):
        if step.decision.action.kind == "done" and not step.decision.action.text:
            continue  # a bare "done" is the agent's claim of success, not evidence
        line = f"{n}. {describe_action(step.decision.action, step.observation)}"
        if step.result is not None and not step.result.ok:
            line += f" (failed: {step.result.error})"
        if include_rationale and step.decision.rationale:
            line += f" — {step.decision.rationale[:120]}"
        lines.append(line)
    return "\n".join(lines) or "(no actions)"


class CompletionJudge(ModelJudge):
    """Was the task accomplished? Reads the task, the actions (not the agent's claims) and the final page."""

    name = "judge.completion"

    def __init__(self, backend: Backend, *, include_rationale: bool = False, **kwargs: Any) -> None:
        super().__init__(backend, **kwargs)
        self.include_rationale = include_rationale

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        start = trajectory[0].observation if trajectory else None
        changes = describe_changes(start, final) if start is not None else ""
        evidence = judge_prompt(
            "completion_evidence",
            actions=trajectory_text(trajectory, include_rationale=self.include_rationale),
            final_name=final.title or final.url,
            page=self._page(final),
            changes=changes[: self.max_page_chars // 2],
        )
        question = judge_prompt("completion_question", task=task.text)
        images = [final.screenshot] if final.screenshot else []
        return self.ask(evidence, question, images=images)


class SopJudge(ModelJudge):
    """Did the run follow the SOP? Lists skipped steps; scoring backends are asked once per SOP step."""

    name = "judge.sop"

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        if not task.sop:
            return _unsure(self.name, "no SOP to compare with")
        actions = judge_prompt("sop_evidence", actions=trajectory_text(trajectory))
        question = judge_prompt("sop_question", sop=task.sop)
        if not self.can_score():  # a chat-only model answers JSON that names the skipped steps
            return self._ask_sop_json(task, actions)
        # one calibrated yes/no for a small model; the rule critic lists which steps were skipped
        return self.ask(actions, question)

    def _ask_sop_json(self, task: Task, actions: str) -> Verdict:
        from eclair.models.base import ModelError
        from eclair.models.structured import generate_json

        user = judge_prompt(
            "sop_json",
            untrusted_note=UNTRUSTED_NOTE,
            task=task.text,
            sop=task.sop or [],
            actions=fence_untrusted(actions, "EVIDENCE"),
        )
        try:
            answer, _ = generate_json(self.backend, [{"role": "user", "content": user}], SopAnswer, retries=1)
        except ModelError as exc:
            return _unsure(self.name, f"judge gave no usable answer: {exc}")
        label = "fail" if answer.skipped or answer.wrong else answer.verdict
        detail = f"skipped {answer.skipped}, wrong {answer.wrong}; " if label == "fail" else ""
        return _from_answer(label, detail + answer.reason, self.name)
