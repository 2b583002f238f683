"""Grounded candidate actions for the scoring agent: what could be done on this page, described by meaning.

A candidate's text names the action and the element's role, name and value (never its id); the agent maps the
chosen text back to its element in code (docs/embedded-policy.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agents.scoring_agent.fields import (
    field_labels,
    fit_format,
    keyed_values,
    label_keys,
    pairing,
    stems,
    value_keys,
    with_labels,
)
from agents.scoring_agent.lexicon import (
    CLICK_TASK,
    DATE_IN_TEXT,
    EMAIL,
    NON_CLICK_ROLES,
    NUMBER,
    QUOTED,
    SELECT_ROLES,
    TEXT_ROLES,
    TOGGLE_ROLES,
    TYPE_VERB,
)
from agents.scoring_agent.values import extra_values
from eclair.types import Action, Candidate, Element, Observation, StepRecord, Task, candidate_phrase

_WORD = re.compile(r"[a-z0-9]+")


def wants_typing(task_text: str) -> bool:
    """False for a task that only asks to click things ('Click on a "text" widget'): nothing is to be typed."""
    return not CLICK_TASK.search(task_text) or bool(TYPE_VERB.search(task_text))


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def task_values(task: Task) -> list[str]:
    """Values the task asks to enter: parameters, quoted strings, dates, e-mails, numbers (in that order)."""
    found: list[str] = []
    for key, value in task.params.items():
        if value and key not in task.secrets:
            found.append(str(value))
    for name in task.secrets:
        found.append("{{" + name + "}}")
    for match in QUOTED.finditer(task.text):
        found.append(next(g for g in match.groups() if g))
    for pattern in (DATE_IN_TEXT, EMAIL, NUMBER):
        found.extend(m.group(1) if m.groups() else m.group(0) for m in pattern.finditer(task.text))
    found.extend(extra_values(task.text, found))  # free text: "log on as j.doe, password hunter2"
    seen: set[str] = set()
    unique = []
    for value in found:
        key = value.strip()
        if key and key.lower() not in seen:
            seen.add(key.lower())
            unique.append(key)
    return unique


def describe_element(el: Element) -> str:
    """`textbox "Customer"` — role and accessible name (placeholder when unnamed), quoted like the page lines."""
    name = el.name or el.placeholder or (el.value or "")
    return f'{el.role} "{_clip(name)}"' if name else el.role


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def typed_values(history: Iterable[StepRecord]) -> dict[str, str]:
    """element id → last value the agent typed there successfully."""
    typed: dict[str, str] = {}
    for step in history:
        action = step.decision.action
        if action.kind in ("type", "select") and action.element and step.result and step.result.ok:
            typed[action.element] = action.text or ""
    return typed


def _clickable_names(obs: Observation) -> set[str]:
    """Lower-cased option labels and names of toggles/buttons: values that are chosen, not typed."""
    names: set[str] = set()
    for el in obs.elements:
        names.update(o.strip().lower() for o in el.options)
        if el.role.lower() in TOGGLE_ROLES | {"button", "option", "radio", "tab"} and el.name:
            names.add(el.name.strip().lower())
    return names


def mentions(text: str, phrase: str) -> bool:
    phrase = phrase.strip().lower()
    return bool(phrase) and re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text.lower()) is not None


def relevant_options(el: Element, task_text: str) -> list[str]:
    """The options the task names; all of them when it names none but names the field; else none."""
    named = [o for o in el.options if mentions(task_text, o)]
    if named:
        return named
    return list(el.options) if stems(el.name) & stems(task_text) else []


def enumerate_candidates(
    task: Task, obs: Observation, history: list[StepRecord], flagged: Iterable[str] = ()
) -> list[Candidate]:
    """Every grounded action worth scoring on this page (before pruning).

    A field the agent already filled is not offered again, nor is a value it already typed, nor a value that is
    one of the page's options or button/checkbox names (those are chosen, not typed). A field in `flagged` (one a
    validation message names) is offered every task value but the one it holds, the values already typed elsewhere
    included: one of them went astray.
    """
    flagged = set(flagged)
    obs = with_labels(obs)
    typed = typed_values(history)
    used_values = {v.lower() for v in typed.values()} | {fit_format(v, "mm/dd/yyyy").lower() for v in typed.values()}
    chosen_not_typed = _clickable_names(obs)
    all_values = task_values(task)
    all_values += keyed_values(task.text, obs, all_values)
    values = [v for v in all_values if v.lower() not in used_values]
    type_values = [v for v in values if v.lower() not in chosen_not_typed] if wants_typing(task.text) else []
    # a value already typed still belongs in another field labelled for it (a "Verify password" box)
    again = [v for v in all_values if v.lower() in used_values] if wants_typing(task.text) else []
    shown = _heading_values(obs, all_values)  # the record in view is named, not typed
    labels = field_labels(obs)
    cands: list[Candidate] = []
    for el in obs.elements:
        if "disabled" in el.states or "hidden" in el.states:
            continue
        role = el.role.lower()
        label = describe_element(el)
        if role in SELECT_ROLES and el.options:
            if el.id in typed:
                continue
            for option in relevant_options(el, task.text):
                if (el.value or "").strip().lower() == option.strip().lower():
                    continue
                cands.append(
                    Candidate(
                        action=Action(kind="select", element=el.id, text=option),
                        text=candidate_phrase("select", text=_clip(option), target=label),
                    )
                )
            continue
        if role in TEXT_ROLES or (el.tag in ("input", "textarea") and role not in TOGGLE_ROLES | {"button"}):
            if el.id in typed and el.id not in flagged:  # flagged: what went there was refused
                continue
            if "readonly" in el.states:  # a date picker's box: it opens on a click, typing does nothing
                cands.append(
                    Candidate(action=Action(kind="click", element=el.id), text=candidate_phrase("click", target=label))
                )
                continue
            current = (el.value or "").strip().lower()
            offered = [v for v in type_values if current != v.lower() and v.lower() not in shown]
            if el.id in flagged:  # any task value but the refused one; a value typed elsewhere may have gone astray
                offered += [v for v in again if v.lower() != current and v.lower() not in chosen_not_typed]
            elif not current:
                near = label_keys(el.name)  # only the field its nearest task word names ("Verify password")
                offered += [v for v in again if value_keys(task.text, v, tuple(all_values), span=1) & near]
            purpose = f"{el.name} {el.placeholder}"
            keyed = [v for v in offered if pairing(task.text, v, purpose, all_values, labels) > 0]
            if (keyed or current) and el.id not in flagged:  # a field the task keys a value to takes that value
                offered = keyed
            for raw in offered:
                value = fit_format(raw, el.placeholder)
                action = Action(kind="type", element=el.id, text=value)
                cands.append(Candidate(action=action, text=candidate_phrase("type", text=value, target=label)))
            if not offered:  # nothing to type here: focusing the field may still be the task
                cands.append(
                    Candidate(action=Action(kind="click", element=el.id), text=candidate_phrase("click", target=label))
                )
            continue
        if role in NON_CLICK_ROLES and not el.name:
            continue
        if role in NON_CLICK_ROLES and role not in ("heading", "cell", "text", "statictext") and not _icon(el):
            continue
        state = " (checked)" if role in TOGGLE_ROLES and "checked" in el.states else ""
        cands.append(
            Candidate(action=Action(kind="click", element=el.id), text=candidate_phrase("click", target=label + state))
        )
    if obs.focused and any(s.decision.action.kind == "type" for s in history[-1:]):
        press = Action(kind="press", key="Enter", element=obs.focused)
        cands.append(Candidate(action=press, text=candidate_phrase("press", key="Enter")))
    return cands


def _icon(el: Element) -> bool:
    """A small named image (a "like" or "reply" icon): something to click even without a pointer cursor."""
    return el.role.lower() in ("img", "image") and 0 < el.bbox[2] <= 48 and 0 < el.bbox[3] <= 48


def heading_text(obs: Observation) -> str:
    """The page title (before any `·` site suffix) and the main heading: what the page is about."""
    main = next((e.name for e in obs.elements if e.role == "heading"), "")
    return f"{obs.title.split('·')[0]} | {main}"


def _heading_values(obs: Observation, values: list[str]) -> set[str]:
    text = heading_text(obs)
    return {v.lower() for v in values if mentions(text, v)}


def prune(cands: list[Candidate], goal: str, limit: int) -> list[Candidate]:
    """Keep the `limit` candidates with the most lexical overlap with the goal (stable for ties)."""
    if len(cands) <= limit:
        return cands
    goal_words = words(goal)

    def overlap(c: Candidate) -> float:
        cand_words = words(c.text)
        shared = len(goal_words & cand_words)
        return shared + (0.5 if c.action.kind in ("type", "select") else 0.0)

    ranked = sorted(range(len(cands)), key=lambda i: (-overlap(cands[i]), i))
    keep = sorted(ranked[:limit])
    return [cands[i] for i in keep]
