"""Signals no hand-written rule had: the model's calibrated score, meaning similarity, label↔value fit by
concept, novelty, loops without progress and how complete the form is."""

from __future__ import annotations

from agents.scoring_agent.features.base import StepContext
from agents.scoring_agent.lexicon import SUBMIT_WORDS
from agents.scoring_agent.loops import page_signature
from agents.scoring_agent.values import concept_fit, value_of
from eclair.types import Candidate


def pmi(cand: Candidate, ctx: StepContext) -> float:
    """The model's log-likelihood of the candidate after the task, minus the same without the task (PMI)."""
    return ctx.model.get(cand.text, 0.0)


def task_similarity(cand: Candidate, ctx: StepContext) -> float:
    """Cosine of the MiniLM embeddings of the candidate's text and the goal, minus the page's mean."""
    if not ctx.similarity:
        return 0.0
    mean = sum(ctx.similarity.values()) / len(ctx.similarity)
    return ctx.similarity.get(cand.text, mean) - mean


def label_value_fit(cand: Candidate, ctx: StepContext) -> float:
    """The typed value's purpose (user name, password, comment…) is (+1) or is not (-1) what the field is for."""
    if cand.action.kind != "type" or not cand.action.text:
        return 0.0
    el = ctx.element(cand)
    if el is None:
        return 0.0
    return concept_fit(value_of(cand.action.text, ctx.parsed), f"{el.name} {el.placeholder}")


def novelty(cand: Candidate, ctx: StepContext) -> float:
    """This action was not done before in this run (1), or it was (0)."""
    done = [s.decision.action for s in ctx.history if s.result is not None and s.result.ok]
    return 0.0 if cand.action in done else 1.0


def no_progress(cand: Candidate, ctx: StepContext) -> float:
    """How many times this action already ran on this very page state and the page did not change."""
    here = page_signature(ctx.obs)
    count = 0
    for step in ctx.history:
        if step.decision.action != cand.action or step.result is None:
            continue
        if page_signature(step.observation) == here:
            count += 1
    return float(count)


def form_completion(cand: Candidate, ctx: StepContext) -> float:
    """For a submit-like click: the share of the task's values already entered, centred (-1 none … +1 all)."""
    if cand.action.kind != "click" or not SUBMIT_WORDS.search(cand.text) or not ctx.values:
        return 0.0
    shown = {(e.value or "").strip().lower() for e in ctx.obs.elements}
    typed = {(s.decision.action.text or "").lower() for s in ctx.history if s.result is not None and s.result.ok}
    clicked = " ".join(s.decision.completion.lower() for s in ctx.history if s.result is not None and s.result.ok)
    entered = [v for v in ctx.values if v.lower() in shown | typed or f'"{v.lower()}"' in clicked]
    return 2.0 * len(entered) / len(ctx.values) - 1.0
