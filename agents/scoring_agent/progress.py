"""Where the run stands: confirmations that just appeared, validation messages and the fields they name, task
values still missing, and actions that just failed (not offered again on this step)."""

from __future__ import annotations

import re

from agents.scoring_agent.candidates import task_values, typed_values
from agents.scoring_agent.fields import fit_format
from agents.scoring_agent.lexicon import FORM_ERROR, SUBMIT_WORDS
from agents.scoring_agent.records import shown_values
from eclair.types import Action, Candidate, Observation, StepRecord, Task


def fresh_confirmations(obs: Observation, history: list[StepRecord]) -> set[str]:
    """Names of submit-like controls that appeared since the last clean action (e.g. a confirm dialog)."""
    clean = [s for s in history if s.result is not None and s.result.ok and not s.feedback]
    if not clean:
        return set()
    before = {(e.role, e.name) for e in clean[-1].observation.elements}
    return {
        e.name
        for e in obs.elements
        if e.role in ("button", "link") and SUBMIT_WORDS.search(e.name) and (e.role, e.name) not in before
    }


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
        and (s.decision.action.kind == "press" or SUBMIT_WORDS.search(s.decision.completion))
    ]
    if not submits:
        return []
    before = {e.name for e in submits[0].observation.elements}
    values = [v.lower() for v in task_values(task)]
    return [
        e.name
        for e in obs.elements
        if e.name not in before and FORM_ERROR.search(e.name) and not any(v in e.name.lower() for v in values)
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


def missing_values(task: Task, history: list[StepRecord], obs: Observation | None = None) -> list[str]:
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


def drop_failed_repeats(cands: list[Candidate], history: list[StepRecord]) -> list[Candidate]:
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
