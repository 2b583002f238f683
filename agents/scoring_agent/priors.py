"""Lexical and state priors added to the model's calibrated scores.

The 135M model ranks what an action means; these priors carry what is plain from the text and the page state:
a control the task names by its exact label is likely the target, a value belongs in the field labelled for it,
a submit waits until the named choices and fields are done, and a section already expanded is not clicked again
(that collapses it).
"""

from __future__ import annotations

import re

from agents.scoring_agent.candidates import TEXT_ROLES, TOGGLE_ROLES, mentions, typed_values, words
from agents.scoring_agent.fields import STOP, field_labels, pairing, stems
from agents.scoring_agent.lexicon import DOUBLE_QUOTED, SUBMIT_WORDS
from agents.scoring_agent.records import opens_overflow
from eclair.types import Candidate, Element, Observation, StepRecord

_COLLAPSE_WORDS = re.compile(r"\b(collapse|close|hide|fold)\b", re.I)
_EXPAND_WORDS = re.compile(r"\b(expand|unfold)\b", re.I)
_EXPANDABLE_ROLES = {"tab", "treeitem", "button", "clickable", "menuitem"}
EXPAND_TODO = "(expand a section)"
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b|\b(" + "|".join(_ORDINALS) + r")\b", re.I)


def ordinal(task_text: str) -> int | None:
    """The N of "the 2nd result" / "the third link" (1-based), if the task counts."""
    m = _ORDINAL.search(task_text)
    if m is None:
        return None
    return int(m.group(1)) if m.group(1) else _ORDINALS.index(m.group(2).lower()) + 1


_NEXT = {">", "›", "»", "next"}
_PREV = {"<", "‹", "«", "prev", "previous"}


def _word_links(obs: Observation) -> list[str]:
    return [e.id for e in obs.elements if e.role.lower() == "link" and re.search(r"[A-Za-z]", e.name)]


def _results_page(history: list[StepRecord]) -> tuple[int, int]:
    """(page number, results per page) after the pager clicks since the last other action (page 1 after a search)."""
    page, per_page = 1, 0
    for step in history:
        if step.result is None or not step.result.ok or step.feedback:
            continue
        action = step.decision.action
        el = next((e for e in step.observation.elements if e.id == action.element), None)
        name = el.name.strip().lower() if el is not None and action.kind == "click" else ""
        turn = name.isdigit() or name in _NEXT or name in _PREV
        if turn and el is not None and el.role.lower() == "link":
            per_page = per_page or len(_word_links(step.observation))
            page = int(name) if name.isdigit() else page + (1 if name in _NEXT else -1)
        else:
            page, per_page = 1, 0
    return max(page, 1), per_page


def ordinal_target(obs: Observation, history: list[StepRecord], n: int) -> str | None:
    """Id of the link to click for "the n-th result": the n-th word link counting earlier pages, or the pager link
    to the page that holds it ("2", or ">")."""
    links = _word_links(obs)
    page, per_page = _results_page(history)
    per_page = per_page or len(links)
    if not per_page:
        return None
    index = n - (page - 1) * per_page
    if 0 < index <= len(links):
        return links[index - 1]
    pagers = {e.name.strip().lower(): e.id for e in obs.elements if e.role.lower() == "link"}
    wanted = (n - 1) // per_page + 1
    if str(wanted) in pagers:
        return pagers[str(wanted)]
    step = _NEXT if wanted > page else _PREV
    return next((pagers[k] for k in step if k in pagers), None)


_CONTINUES = re.compile(r"\bthen\b.*\b(click|select|choose|find|open|type|enter|press|check)\b", re.I | re.S)
_NAME_CHARS = 2
_CHOICE_ROLES = {"option", "clickable", "link", "menuitem", "listitem", "treeitem", "button"}


def named_by_task(task_text: str, el: Element, typed: set[str]) -> bool:
    """The task names this control by its exact label (a value the agent typed is no name)."""
    name = el.name.strip()
    if len(name) < _NAME_CHARS or name.lower() in typed:
        return False
    said = words(name) - STOP
    if len(said) >= 2 and said <= words(task_text):  # every word of an icon's name ("trash delete") is in the task
        return True
    return mentions(task_text, name)


def pending(task_text: str, obs: Observation, history: list[StepRecord], values: list[str]) -> list[str]:
    """What the task still names on this page: unchecked toggles it names, empty fields labelled for a value."""
    typed = {(s.decision.action.text or "").lower() for s in history if s.decision.action.kind == "type"}
    clicked = {s.decision.action.element for s in history if s.result is not None and s.result.ok}
    filled_ids = set(typed_values(history))
    labels = field_labels(obs)
    out: list[str] = []
    for el in obs.elements:
        if "disabled" in el.states:
            continue
        role = el.role.lower()
        toggle = role in TOGGLE_ROLES and "checked" not in el.states and el.id not in clicked
        filled = bool((el.value or "").strip()) or el.id in filled_ids
        empty_field = role in TEXT_ROLES and not filled and bool(el.name)
        if (toggle and named_by_task(task_text, el, typed)) or (
            empty_field and any(pairing(task_text, v, el.name, values, labels) > 0 for v in values)
        ):
            out.append(el.name)
    if not out:
        out += _last_blank(task_text, obs, history, values)
    if _EXPAND_WORDS.search(task_text) and not any("expanded" in e.states for e in obs.elements):
        out.append(EXPAND_TODO)
    return out


def _last_blank(task_text: str, obs: Observation, history: list[StepRecord], values: list[str]) -> list[str]:
    """The one field of a form still empty, which the task never names, while a task value is still unplaced
    ("Search for crime movies directed by X": the genre box takes "crime")."""
    filled_ids = set(typed_values(history))
    fields = [e for e in obs.elements if e.role.lower() in TEXT_ROLES and "disabled" not in e.states and e.name]
    empty = [e for e in fields if not (e.value or "").strip() and e.id not in filled_ids]
    if len(fields) < 2 or len(empty) != 1 or stems(empty[0].name) & stems(task_text):
        return []
    done = " | ".join(s.decision.completion.lower() for s in history if s.result is not None and s.result.ok)
    shown = {(e.value or "").strip().lower() for e in obs.elements}  # e.g. a select already at the wanted value
    unplaced = [v for v in values if f'"{v.lower()}"' not in done and v.lower() not in shown]
    return [empty[0].name] if any(pairing(task_text, v, empty[0].name, values) >= 0 for v in unplaced) else []


def _same_page(before: Observation, after: Observation) -> bool:
    """Nothing an agent can see changed: same elements, names, values and states."""

    def seen(obs: Observation) -> list[tuple[str, str, str, list[str]]]:
        return [(e.role, e.name, e.value or "", sorted(e.states)) for e in obs.elements]

    return seen(before) == seen(after)


def state_prior(
    task_text: str,
    obs: Observation,
    history: list[StepRecord],
    cand: Candidate,
    values: list[str],
    todo: list[str],
    weight: float,
) -> float:
    """Prior in units of `weight` (the agent's submit bonus) from the task's wording and the page state."""
    return weight * sum(state_signals(task_text, obs, history, cand, values, todo).values())


def state_signals(
    task_text: str, obs: Observation, history: list[StepRecord], cand: Candidate, values: list[str], todo: list[str]
) -> dict[str, float]:
    """The page-state signals that fire for this candidate, by feature name (first match wins, as a rule list)."""
    action = cand.action
    el = next((e for e in obs.elements if e.id == action.element), None)
    if el is None:
        return {}
    if action.kind == "type" and action.text:
        value = next((v for v in values if v.lower() == action.text.lower()), action.text)
        paired = pairing(task_text, value, f"{el.name} {el.placeholder}", values, field_labels(obs))
        prefix = re.search(
            r"\b(?:starts?|begins?|beginning|starting) with\s+[\"']?" + re.escape(value), task_text, re.I
        )
        return {"value_keyed_to_label": float(paired), "starts_with_value": 2.0 if prefix else 0.0}
    if action.kind != "click":
        return {}
    return _click_signal(task_text, obs, history, el, values, todo)


def _click_signal(
    task_text: str, obs: Observation, history: list[StepRecord], el: Element, values: list[str], todo: list[str]
) -> dict[str, float]:
    role = el.role.lower()
    typed = {(s.decision.action.text or "").lower() for s in history if s.decision.action.kind == "type"}
    is_submit = role in ("button", "link", "tab", "clickable") and bool(SUBMIT_WORDS.search(el.name))
    if "expanded" in el.states and not _COLLAPSE_WORDS.search(task_text):
        return {"collapses_section": -1.0}
    last_ok = [s for s in history if s.result is not None and s.result.ok and not s.feedback]
    again = last_ok and last_ok[-1].decision.action.kind == "click" and last_ok[-1].decision.action.element == el.id
    lost = again and role == "img" and _same_page(last_ok[-1].observation, obs)  # an icon click that was lost
    if again and not lost and not opens_overflow(task_text, obs, el):  # a menu that did not open: click again
        return {"same_click_again": -1.0}  # the same click again undoes or repeats it
    if is_submit and todo:
        return {"submit_before_done": -1.0}
    if role in TEXT_ROLES and el.name in todo:
        return {"opens_pending_field": 1.0}  # a field still to fill that typing cannot reach (a date picker's box)
    n = ordinal(task_text) if role == "link" else None
    if n is not None and ordinal_target(obs, history, n) == el.id:
        return {"nth_result": 2.0}  # the task counts: the n-th result, or the page that holds it
    if EXPAND_TODO in todo and role in _EXPANDABLE_ROLES and "expanded" not in el.states:
        return {"expands_section": 1.0}
    kinds = {role, el.tag} | ({role.removesuffix("box")} if el.tag != "textarea" else set())
    if any(v.lower() in kinds for v in values if len(v) > 2):
        return {"names_control_kind": 2.0}  # the task names this kind of control: 'Click on a "checkbox" widget'
    if not named_by_task(task_text, el, typed):
        quoted = [q.lower() for q in DOUBLE_QUOTED.findall(task_text) if len(q) >= 2]
        fits = bool(quoted) and all(q in el.name.lower() for q in quoted) and role in _CHOICE_ROLES
        return {"holds_quoted_parts": 2.0 if fits else 0.0}  # 'starts with "An" and ends with "ica"': Antarctica
    if role in TOGGLE_ROLES:
        return {"named_toggle": -0.5 if "checked" in el.states else 1.25}
    if any(s.decision.action.element == el.id for s in history if s.result is not None and s.result.ok):
        return {}
    return {"named_by_task": 1.0}


def continues_after(task_text: str, clicked: str) -> bool:
    """The task asks for more after the control just clicked ("press Search, then click the 2nd result")."""
    name = clicked.strip().lower()
    lowered = task_text.lower()
    at = lowered.find(name) if name else -1
    if at < 0:
        ends = [m.end() for m in SUBMIT_WORDS.finditer(lowered)]
        at = ends[-1] if ends else -1
    return at >= 0 and _CONTINUES.search(lowered[at:]) is not None
