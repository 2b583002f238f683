"""The scoring agent: a policy a 135M model runs well, made of named features and learned weights.

It enumerates grounded candidate actions and describes each by a vector of named features (features/): the
model's calibrated log-likelihood (PMI: score after a short prompt with the task last, minus the same without the
task), meaning similarity, label↔value fit, novelty, loops, and the page-reading rules. A candidate's score is the
weighted sum (weights.py: a versioned file, fitted from traces). It picks the best — greedily, or by softmax
sampling with a temperature for exploration. Candidates, feature vectors and scores go into the Decision: they are
the training signal later, and review and ablation read them from the store.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from agents.scoring_agent.candidates import enumerate_candidates, prune, task_values, typed_values, wants_typing
from agents.scoring_agent.features import FEATURE_NAMES, MODEL_FEATURE, StepContext, feature_vector
from agents.scoring_agent.fields import keyed_values, stems, with_labels
from agents.scoring_agent.lexicon import DANGER_WORDS, SUBMIT_WORDS, quoted
from agents.scoring_agent.loops import loop_reason, stuck_cycle
from agents.scoring_agent.priors import continues_after, pending
from agents.scoring_agent.progress import (
    drop_failed_repeats,
    flagged_fields,
    form_errors,
    fresh_confirmations,
    missing_values,
)
from agents.scoring_agent.prompt import continuation, page_lines, render
from agents.scoring_agent.records import commit_button, drop_card_misses
from agents.scoring_agent.sop import fitting, ground_step, sop_position
from agents.scoring_agent.values import parse_values
from agents.scoring_agent.weights import Weights, load_weights
from agents.scoring_agent.widgets import awaits_suggestions, stale_days, suggestions, widget_targets
from eclair.models.base import Backend, require_scorer, scorer_of
from eclair.models.embedding import similarities
from eclair.types import Action, Candidate, Decision, Observation, StepRecord, Task, Usage

__all__ = ["ScoringAgent", "_drop_failed_repeats", "flagged_fields", "form_errors"]
_drop_failed_repeats = drop_failed_repeats  # the name tests and older callers use


class ScoringAgent:
    """Pick the next action by the weighted sum of each candidate's named features."""

    name = "scoring"
    uses_screenshot = False  # text only: the runner captures the screenshot while the model decides
    feature_names = FEATURE_NAMES

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
        weights: Weights | Mapping[str, float] | str | Path | None = None,
        disabled_features: Iterable[str] = (),
    ) -> None:
        self.backend = backend
        self.scorer = scorer_of(backend)  # None for a chat API: then only an ablation without the model runs
        self.temperature = temperature
        self.calibrate = calibrate
        self.max_candidates = max_candidates
        self.max_page_lines = max_page_lines
        self.chat_template = chat_template
        model_dir = str(getattr(backend, "model_id", "") or "")
        self.policy = load_weights(weights, model_dir).without(disabled_features)
        self.weights = dict(self.policy.values)
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
        ctx = self._context(task, obs, history)
        cycle = stuck_cycle(history, obs)
        if cycle is not None:
            reason = loop_reason(cycle)
            return Decision(action=Action(kind="ask_human", text=reason), rationale=reason, completion="ask_human")
        errors = form_errors(task, obs, history)
        if self._finished(task, history) and not ctx.fresh and not ctx.todo and not errors:
            return Decision(
                action=Action(kind="done"),
                rationale="every task value is entered and the step the task asked for is done",
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
        cands = self._candidates(task, obs, history, ctx)
        if not cands:
            return Decision(
                action=Action(kind="done"), rationale="no action is possible on this page", completion="done"
            )
        lines = page_lines(obs, ctx.goal, self.max_page_lines)
        chat = self.scorer.render_chat if self.chat_template and self.scorer is not None else None
        prompt = render(lines, ctx.goal, [s.decision.completion.strip() for s in _clean(history)][-6:], chat)
        started = time.perf_counter()
        raw = self._model_scores(ctx, cands, lines, prompt, chat, history)
        usage = self.backend.last_usage.model_copy() if raw else Usage()
        usage.model_ms = (time.perf_counter() - started) * 1000.0
        if self.policy.of("task_similarity"):
            ctx.similarity = similarities(ctx.goal, [c.text for c in cands])
        vectors = [feature_vector(c, ctx) for c in cands]
        scored = [
            c.model_copy(update={"score": self.policy.score(v), "raw_score": raw.get(c.text), "features": v})
            for c, v in zip(cands, vectors, strict=True)
        ]
        chosen, why = self._choose_for(task, ctx.goal, scored)
        return Decision(
            action=chosen.action,
            rationale=why,
            expected_outcome=_expected(chosen),
            prompt=prompt,
            completion=continuation(chosen.text, chat),  # exactly what was scored: the training target
            candidates=scored,
            usage=Usage(tokens_in=usage.tokens_in, tokens_out=0, model_ms=usage.model_ms),
        )

    def _context(self, task: Task, obs: Observation, history: list[StepRecord]) -> StepContext:
        values = task_values(task)
        values += keyed_values(task.text, obs, values)
        todo = pending(task.text, obs, history, values)
        flagged = flagged_fields(obs, form_errors(task, obs, history), history)  # fix a field a message names first
        todo += [e.name for e in obs.elements if e.id in flagged and e.name not in todo]  # no submit before it
        entered = bool(typed_values(history)) and not missing_values(task, history, obs)
        return StepContext(
            task=task,
            obs=obs,
            history=history,
            goal=self.goal(task, history),
            values=values,
            parsed=parse_values(task.text),
            todo=todo,
            fresh=fresh_confirmations(obs, history),
            flagged=flagged,
            values_entered=entered,
        )

    def _candidates(self, task: Task, obs: Observation, history: list[StepRecord], ctx: StepContext) -> list[Candidate]:
        """Grounded candidates after the hard filters (safety, and what just failed) and pruning to the limit."""
        cands = enumerate_candidates(task, obs, history, ctx.flagged)
        cands = [c for c in cands if not _unasked_danger(task.text, c)] or cands
        cands = drop_card_misses(drop_failed_repeats(cands, history), obs, task.text, ctx.values)
        offered = suggestions(obs, history)  # an open suggestion list for what was just typed comes first
        cands = [c for c in cands if c.action.element in offered] or cands
        stale = stale_days(obs, ctx.values)
        cands = [c for c in cands if c.action.element not in stale] or cands
        must = widget_targets(task.text, obs, ctx.values) | ctx.flagged
        kept = prune([c for c in cands if c.action.element not in must], f"{ctx.goal} {task.text}", self.max_candidates)
        return [c for c in cands if c.action.element in must or c in kept]

    def _model_scores(
        self,
        ctx: StepContext,
        cands: list[Candidate],
        lines: list[str],
        prompt: str,
        chat: object,
        history: list[StepRecord],
    ) -> dict[str, float]:
        """Raw log-likelihood per candidate text; the calibrated (PMI) value goes into the context for the feature.
        Skipped when the model feature weighs nothing (an ablation without the model)."""
        if not self.policy.of(MODEL_FEATURE):
            return {}
        scorer = require_scorer(self.backend)
        texts = [continuation(c.text, chat) for c in cands]  # type: ignore[arg-type]
        if self.calibrate:
            done_so_far = [s.decision.completion.strip() for s in _clean(history)][-6:]
            task_less = render(lines, None, done_so_far, chat)  # type: ignore[arg-type]
            # the task-less prompt shares the page prefix, so its KV cache is reused (PMI calibration)
            raw, prior = scorer.score_many([prompt, task_less], texts)
            calibrated = [r - p for r, p in zip(raw, prior, strict=True)]
        else:
            raw = list(scorer.score(prompt, texts))
            calibrated = raw
        ctx.model = {c.text: s for c, s in zip(cands, calibrated, strict=True)}
        return {c.text: r for c, r in zip(cands, raw, strict=True)}

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
        """Done when the SOP is used up; when every task value is entered and a submit-like click then worked (or
        the click on the button that saves the field just changed); or when a click-only task's named controls
        were all clicked and the task asks for nothing after the last."""
        ok_steps = _clean(history)
        if not ok_steps:
            return False
        if task.sop:
            return sop_position(task.sop, history) >= len(task.sop)
        last = ok_steps[-1]
        if last.decision.action.kind not in ("click", "press"):
            return False
        named = _quoted_name(last.decision.completion)
        if continues_after(task.text, named):
            return False
        if _named_clicks_done(task.text, ok_steps, named):
            return True
        saved = len(ok_steps) > 1 and last.decision.action.element == commit_button(last.observation, ok_steps[:-1])
        if last.decision.action.kind == "click" and not (saved or SUBMIT_WORDS.search(last.decision.completion)):
            return False
        if not typed_values(history) and not stems(named) & stems(task.text):
            return False  # a save or submit that the task never asks for, with nothing changed, finishes nothing
        return not missing_values(task, history, last.observation)  # a default already at a task value counts


def _clean(history: list[StepRecord]) -> list[StepRecord]:
    """Steps that ran and passed their checks."""
    return [s for s in history if s.result is not None and s.result.ok and not s.feedback]


def _quoted_name(completion: str) -> str:
    names = quoted(completion)
    return names[0] if names else ""


def _named_clicks_done(task_text: str, ok_steps: list[StepRecord], last_name: str) -> bool:
    """A click-only task ('Click the "Yes" button, then finish.') whose quoted controls were all clicked, the last
    one just now: there is nothing left to do, even when the click changed nothing visible."""
    names = [n.lower() for n in quoted(task_text)]
    if not names or wants_typing(task_text) or last_name.lower() != names[-1]:
        return False
    clicked = {_quoted_name(s.decision.completion).lower() for s in ok_steps if s.decision.action.kind == "click"}
    return all(n in clicked for n in names)


def _unasked_danger(task_text: str, cand: Candidate) -> bool:
    """A click that ends the session or destroys data (Log out, Delete) which the task does not ask for: the one
    hard filter, for safety."""
    if cand.action.kind != "click":
        return False
    words = {m.group(0).lower().replace(" ", "") for m in DANGER_WORDS.finditer(cand.text)}
    asked = {m.group(0).lower().replace(" ", "") for m in DANGER_WORDS.finditer(task_text)}
    return bool(words - asked)


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
