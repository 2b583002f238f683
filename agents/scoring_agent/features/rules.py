"""The page-reading signals the agent had as hand-written priors, now one named feature each (weights are data).

Their values come from `priors.state_signals`, `records.record_signals` and `widgets.widget_signals`, computed once
per candidate and cached in the step context; a feature is 0 where its rule does not fire.
"""

from __future__ import annotations

from agents.scoring_agent.features.base import Feature, StepContext
from agents.scoring_agent.lexicon import AWAY_WORDS, SUBMIT_WORDS
from agents.scoring_agent.priors import state_signals
from agents.scoring_agent.records import record_signals
from agents.scoring_agent.widgets import widget_signals
from eclair.types import Candidate

RULE_DOCS: dict[str, str] = {
    "value_keyed_to_label": "The words just before a typed value in the task name this field (+1) or another (-1).",
    "starts_with_value": "The task says the item starts with this typed value (an autocomplete filters on it).",
    "collapses_section": "Clicking this expanded section would collapse it, and the task does not ask for that.",
    "same_click_again": "The same click as the last successful step: it repeats or undoes it.",
    "submit_before_done": "A submit-like click while the task still names a field or toggle to fill.",
    "opens_pending_field": "A still-empty field the task keys a value to, which opens on a click (a date box).",
    "nth_result": "The n-th result the task counts, or the pager link to the page that holds it.",
    "expands_section": "An expandable control while the task asks to expand something and nothing is expanded.",
    "names_control_kind": "The task names this kind of control ('a \"checkbox\" widget').",
    "holds_quoted_parts": "A choice whose name holds every quoted fragment of the task.",
    "named_toggle": "A toggle the task names: +1.25 unchecked, -0.5 already checked.",
    "named_by_task": "The task names this control by its exact label, and it was not clicked yet.",
    "menu_entry_named": "A menu entry that names what the task quotes.",
    "text_not_control": "Plain text (a cell, a paragraph) that does nothing when clicked.",
    "opens_overflow": "A 'more'/'menu' control while the control the task quotes is nowhere on the page.",
    "record_row_link": "A link on the one list row that shows the task's record.",
    "leaves_record": "Site navigation above the heading while the record (or a form to fill) is in view.",
    "label_shares_task_word": "A control whose label shares a word with what the task asks to do.",
    "saves_change": "The first button after the field just changed: the one that saves it.",
    "calendar_day": "The calendar link towards the task's date (+2), or another day link (-2).",
    "ranked_offer": "The offer the task ranks first (the cheapest, the shortest).",
}


def rule_signals(cand: Candidate, ctx: StepContext) -> dict[str, float]:
    """Every rule signal of this candidate, computed once per step."""
    key = id(cand)
    if key not in ctx.cache:
        text = ctx.task.text
        out = state_signals(text, ctx.obs, ctx.history, cand, ctx.values, ctx.todo)
        out.update(record_signals(text, ctx.obs, ctx.history, cand, ctx.values, ctx.todo))
        out.update(widget_signals(text, ctx.obs, cand, ctx.values))
        ctx.cache[key] = out
    return ctx.cache[key]


def _rule(name: str) -> Feature:
    return Feature(name, RULE_DOCS[name], lambda cand, ctx: rule_signals(cand, ctx).get(name, 0.0))


def leaves_form(cand: Candidate, ctx: StepContext) -> float:
    """A cancel / back / log-out control the task never names: it leaves the work unfinished."""
    away = AWAY_WORDS.search(cand.text)
    return 1.0 if away and away.group(0).lower() not in ctx.task.text.lower() else 0.0


def submit_ready(cand: Candidate, ctx: StepContext) -> float:
    """A submit-like click once every task value is in, or on a confirmation that just appeared."""
    text = cand.text.lower()
    if cand.action.kind != "click" or not SUBMIT_WORDS.search(text) or ctx.todo or leaves_form(cand, ctx):
        return 0.0
    fresh = any(f'"{name.lower()}"' in text for name in ctx.fresh)
    return 1.0 if fresh or ctx.values_entered else 0.0


def flagged_field(cand: Candidate, ctx: StepContext) -> float:
    """A field a new validation message names: it is the one to fix first."""
    return 1.0 if cand.action.element in ctx.flagged else 0.0


RULE_FEATURES: list[Feature] = [
    Feature("leaves_form", leaves_form.__doc__ or "", leaves_form),
    Feature("submit_ready", submit_ready.__doc__ or "", submit_ready),
    Feature("flagged_field", flagged_field.__doc__ or "", flagged_field),
    *(_rule(name) for name in RULE_DOCS),
]
