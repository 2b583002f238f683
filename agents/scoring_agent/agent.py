"""The scoring agent: a policy a 135M model runs well.

It enumerates grounded candidate actions, scores each one's text by log-likelihood after a short prompt (task
last), calibrates against the same prompt without the task (PMI), and picks the best — greedily, or by softmax
sampling with a temperature for exploration. Candidates and scores go into the Decision: they are the training
signal later.
"""

from __future__ import annotations

import math
import random
import re
import time

from agents.scoring_agent.candidates import enumerate_candidates, prune, task_values, typed_values
from agents.scoring_agent.fields import fit_format, keyed_values, stems, with_labels
from agents.scoring_agent.priors import SUBMIT_WORDS, continues_after, pending, state_prior
from agents.scoring_agent.prompt import continuation, page_lines, render
from agents.scoring_agent.records import commit_button, drop_card_misses, record_prior, shown_values
from agents.scoring_agent.sop import fitting, ground_step, sop_position
from agents.scoring_agent.widgets import (
    awaits_suggestions,
    stale_days,
    suggestions,
    widget_prior,
    widget_targets,
)
from eclair.models.base import Backend
from eclair.types import Action, Candidate, Decision, Observation, StepRecord, Task, Usage

_AWAY_WORDS = re.compile(r"\b(cancel|log ?out|sign ?out|reset|clear|back|discard|close)\b", re.I)
_SUBMIT_WORDS = SUBMIT_WORDS
_QUOTED_NAME = re.compile(r'"([^"]*)"')


class ScoringAgent:
    """Pick the next action by calibrated log-likelihood of candidate action texts."""

    name = "scoring"
    uses_screenshot = False  # text only: the runner captures the screenshot while the model decides

    def __init__(
        self,
        backend: Backend,
        *,
        temperature: float = 0.0,
        calibrate: bool = True,
        max_candidates: int = 24,
        max_page_lines: int = 40,
        seed: int | None = None,
        chat_template: bool = True,
        away_penalty: float = 3.0,
        submit_bonus: float = 2.0,
    ) -> None:
        self.backend = backend
        self.temperature = temperature
        self.calibrate = calibrate
        self.max_candidates = max_candidates
        self.max_page_lines = max_page_lines
        self.chat_template = chat_template
        self.away_penalty = away_penalty
        self.submit_bonus = submit_bonus
        self.rng = random.Random(seed)

    def begin(self, task: Task) -> None:
        """Stateless between steps: progress is read from the history."""

    def goal(self, task: Task, history: list[StepRecord]) -> str:
        """The next SOP step (done when the last is done) when the workflow has an SOP, else the task text."""
        if task.sop:
            return task.sop[min(sop_position(task.sop, history), len(task.sop) - 1)]
        return task.text

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        obs = with_labels(obs)  # unnamed fields take their nearest label's text
        goal = self.goal(task, history)
        values = task_values(task)
        values += keyed_values(task.text, obs, values)
        todo = pending(task.text, obs, history, values)
        done_so_far = [s.decision.completion.strip() for s in history if s.result is not None and s.result.ok][-6:]
        fresh = _fresh_confirmations(obs, history)
        errors = form_errors(task, obs, history)
        flagged = flagged_fields(obs, errors, history)  # a field a new validation message names is the one to fix first
        todo += [e.name for e in obs.elements if e.id in flagged and e.name not in todo]  # no submit before it
        if self._finished(task, history) and not fresh and not todo and not errors:
            return Decision(
                action=Action(kind="done"),
                rationale="every task value is entered and submitted",
                expected_outcome="the task is complete",
                completion="done",
            )
        if awaits_suggestions(obs, history):
            return Decision(
                action=Action(kind="wait", seconds=0.6),
                rationale="the field just typed shows its suggestions a moment later",
                expected_outcome="a suggestion list opens under the field",
                completion="wait",
            )
        cands = enumerate_candidates(task, obs, history, flagged)
        cands = drop_card_misses(_drop_failed_repeats(cands, history), obs, task.text, values)
        offered = suggestions(obs, history)  # an open suggestion list for what was just typed comes first
        cands = [c for c in cands if c.action.element in offered] or cands
        stale = stale_days(obs, values)
        cands = [c for c in cands if c.action.element not in stale] or cands
        if not cands:
            return Decision(
                action=Action(kind="done"), rationale="no action is possible on this page", completion="done"
            )
        must = widget_targets(task.text, obs, values) | flagged
        kept = prune([c for c in cands if c.action.element not in must], goal + " " + task.text, self.max_candidates)
        cands = [c for c in cands if c.action.element in must or c in kept]
        lines = page_lines(obs, goal, self.max_page_lines)
        chat = getattr(self.backend, "render_chat", None) if self.chat_template else None
        prompt = render(lines, goal, done_so_far, chat)
        texts = [continuation(c.text, chat) for c in cands]
        started = time.perf_counter()
        if self.calibrate:
            # the task-less prompt shares the page prefix, so its KV cache is reused (PMI calibration)
            raw, prior = self._score_many([prompt, render(lines, None, done_so_far, chat)], texts)
            scores = [r - p for r, p in zip(raw, prior, strict=True)]
        else:
            raw = self.backend.score(prompt, texts)
            scores = list(raw)
        usage = self.backend.last_usage.model_copy()
        usage.model_ms = (time.perf_counter() - started) * 1000.0
        scores = [
            s
            + self._prior(task, history, c, fresh, todo, obs)
            + state_prior(task.text, obs, history, c, values, todo, self.submit_bonus)
            + record_prior(task.text, obs, history, c, values, todo, self.submit_bonus)
            + widget_prior(task.text, obs, c, values, self.submit_bonus)
            + (self.submit_bonus if c.action.element in flagged else 0.0)
            for s, c in zip(scores, cands, strict=True)
        ]
        scored = [c.model_copy(update={"score": s, "raw_score": r}) for c, s, r in zip(cands, scores, raw, strict=True)]
        chosen, why = self._choose_for(task, goal, scored)
        completion = continuation(chosen.text, chat)  # exactly what was scored: the training target
        return Decision(
            action=chosen.action,
            rationale=why,
            expected_outcome=_expected(chosen),
            prompt=prompt,
            completion=completion,
            candidates=scored,
            usage=Usage(tokens_in=usage.tokens_in, tokens_out=0, model_ms=usage.model_ms),
        )

    def _prior(
        self,
        task: Task,
        history: list[StepRecord],
        cand: Candidate,
        fresh: set[str],
        todo: list[str],
        obs: Observation | None = None,
    ) -> float:
        """Progress-aware priors on top of the model: leave-the-form controls the task never names are unlikely;
        a confirmation that just appeared, or a submit once every task value is in, is the likely next step."""
        text = cand.text.lower()
        away = _AWAY_WORDS.search(text)
        if away and away.group(0) not in task.text.lower():
            return -self.away_penalty
        if cand.action.kind != "click" or not _SUBMIT_WORDS.search(text) or todo:
            return 0.0
        if any(f'"{name.lower()}"' in text for name in fresh) or self._values_entered(task, history, obs):
            return self.submit_bonus
        return 0.0

    def _values_entered(self, task: Task, history: list[StepRecord], obs: Observation | None = None) -> bool:
        return bool(typed_values(history)) and not _missing_values(task, history, obs)

    def _score_many(self, prompts: list[str], texts: list[str]) -> list[list[float]]:
        score_many = getattr(self.backend, "score_many", None)
        if score_many is not None:
            return list(score_many(prompts, texts))
        return [self.backend.score(p, texts) for p in prompts]

    def _choose_for(self, task: Task, goal: str, scored: list[Candidate]) -> tuple[Candidate, str]:
        """With an SOP, the one candidate that does the step wins; several that fit are the model's to pick."""
        texts = [c.text for c in scored]
        if task.sop:
            exact = ground_step(goal, texts)
            if exact is not None:
                return scored[exact], f"SOP step grounded: {goal}"
            fits = fitting(goal, texts)
            if fits:
                return self._choose([scored[i] for i in fits]), f"best of {len(fits)} candidates fitting: {goal}"
        return self._choose(scored), f"best of {len(scored)} candidates for: {goal}"

    def _choose(self, scored: list[Candidate]) -> Candidate:
        if self.temperature <= 0:
            return max(scored, key=lambda c: c.score)
        top = max(c.score for c in scored)
        weights = [math.exp((c.score - top) / self.temperature) for c in scored]
        return self.rng.choices(scored, weights=weights, k=1)[0]

    def _finished(self, task: Task, history: list[StepRecord]) -> bool:
        """Done when the SOP is used up, or every task value is entered and a submit-like click then worked (or
        the click on the button that saves the field just changed)."""
        ok_steps = [s for s in history if s.result is not None and s.result.ok and not s.feedback]
        if not ok_steps:
            return False
        if task.sop:
            return sop_position(task.sop, history) >= len(task.sop)
        last = ok_steps[-1]
        if last.decision.action.kind not in ("click", "press"):
            return False
        saved = len(ok_steps) > 1 and last.decision.action.element == commit_button(last.observation, ok_steps[:-1])
        if last.decision.action.kind == "click" and not (saved or _SUBMIT_WORDS.search(last.decision.completion)):
            return False
        named = _QUOTED_NAME.search(last.decision.completion)
        if continues_after(task.text, named.group(1) if named else ""):
            return False
        if not typed_values(history) and not stems(named.group(1) if named else "") & stems(task.text):
            return False  # a save or submit that the task never asks for, with nothing changed, finishes nothing
        return not _missing_values(task, history, last.observation)  # a default already at a task value counts


def _fresh_confirmations(obs: Observation, history: list[StepRecord]) -> set[str]:
    """Names of submit-like controls that appeared since the last clean action (e.g. a confirm dialog)."""
    clean = [s for s in history if s.result is not None and s.result.ok and not s.feedback]
    if not clean:
        return set()
    before = {(e.role, e.name) for e in clean[-1].observation.elements}
    return {
        e.name
        for e in obs.elements
        if e.role in ("button", "link") and _SUBMIT_WORDS.search(e.name) and (e.role, e.name) not in before
    }


_FORM_ERROR = re.compile(
    r"\b(is required|are required|required field|please (fix|correct|enter|fill|select|choose)|is invalid|"
    r"is not valid|does not exist|must be|can(not|'t) be (blank|empty))\b",
    re.IGNORECASE,
)
_FIELD_ROLES = {"textbox", "searchbox", "combobox", "spinbutton", "listbox"}


def form_errors(task: Task, obs: Observation, history: list[StepRecord]) -> list[str]:
    """Validation messages on the page that it did not show before the first submit ("Customer is required."):
    while one shows, the submit did not finish the task. Lines carrying a task value (a subject that says
    "invalid") are not messages."""
    submits = [
        s
        for s in history
        if s.result is not None
        and s.result.ok
        and s.decision.action.kind in ("click", "press")
        and (s.decision.action.kind == "press" or _SUBMIT_WORDS.search(s.decision.completion))
    ]
    if not submits:
        return []
    before = {e.name for e in submits[0].observation.elements}
    values = [v.lower() for v in task_values(task)]
    return [
        e.name
        for e in obs.elements
        if e.name not in before and _FORM_ERROR.search(e.name) and not any(v in e.name.lower() for v in values)
    ]


def flagged_fields(obs: Observation, errors: list[str], history: list[StepRecord]) -> set[str]:
    """Ids of the form fields a validation message names, while they hold what they held when it first showed
    (changed since: submit again)."""
    if not errors:
        return set()
    said = " ".join(errors).lower()
    first = next((s.observation for s in history if any(e.name in errors for e in s.observation.elements)), obs)
    then = {e.name: (e.value or "").strip() for e in first.elements}
    return {
        e.id
        for e in obs.elements
        if e.role in _FIELD_ROLES
        and len(e.name) > 2
        and re.search(rf"\b{re.escape(e.name.lower())}\b", said)
        and (e.value or "").strip() == then.get(e.name, "")
    }


def _missing_values(task: Task, history: list[StepRecord], obs: Observation | None = None) -> list[str]:
    """Task values not yet typed or selected, nor shown in a field (a date picked on a calendar), nor satisfied by
    a click on something carrying them."""
    typed = typed_values(history).values()
    entered = {v.lower() for v in typed} | {fit_format(v, "mm/dd/yyyy").lower() for v in typed}
    entered |= {(e.value or "").strip().lower() for e in obs.elements} if obs is not None else set()
    entered |= shown_values([s.observation for s in history], task_values(task))
    wanted = [v.lower() for v in task_values(task)]
    return [v for v in wanted if v not in entered and not _mentioned_as_click(v, history)]


def _mentioned_as_click(value: str, history: list[StepRecord]) -> bool:
    """A task value satisfied by clicking (a button or option carrying that name) rather than typing."""
    return any(s.decision.action.kind == "click" and value in s.decision.completion.lower() for s in history)


def _drop_failed_repeats(cands: list[Candidate], history: list[StepRecord]) -> list[Candidate]:
    """Do not offer again an action that failed on this step (any of its attempts so far). An image icon that ran
    but did nothing gets one more try: the first click on an icon whose image swaps on hover can be lost."""
    failed = []
    for step in reversed(history):
        if not step.feedback:
            break
        failed.append(step.decision.action)
    once = {a.element for a in failed if failed.count(a) == 1 and a.kind == "click" and _icon_ran(a, history)}
    return [c for c in cands if c.action not in failed or c.action.element in once] or cands


def _icon_ran(action: Action, history: list[StepRecord]) -> bool:
    step = next(s for s in reversed(history) if s.decision.action == action)
    el = next((e for e in step.observation.elements if e.id == action.element), None)
    return el is not None and el.role == "img" and step.result is not None and step.result.ok


def _expected(chosen: Candidate) -> str:
    action = chosen.action
    target = chosen.text.split(" ", 1)[1] if " " in chosen.text else chosen.text
    if action.kind == "type":
        return f"the field shows {action.text!r}"
    if action.kind == "select":
        return f"{action.text!r} is selected"
    if action.kind == "press":
        return "the form is submitted or the field reacts to Enter"
    return f"the page reacts to the click on {target}"
