"""Find a step's target on the live page by what a person reads: role, name, placeholder, options, nearby text.

The recorded id is only a tie-breaker. A target whose name and options both fail to match is *missing*: the
replayer hands that step to the live policy rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eclair.replay.pagetext import compile_pattern, parse_lines
from eclair.replay.program import Target
from eclair.types import Element, Observation

WORD = re.compile(r"[a-z0-9]+")
FIELD_ROLES = {"textbox", "combobox", "searchbox", "spinbutton", "textarea"}
TOGGLE_ROLES = {"checkbox", "radio", "switch", "menuitemcheckbox", "menuitemradio"}
CLICK_ROLES = {"button", "link", "tab", "menuitem", "option", "clickable"}
MIN_NAME_SIMILARITY = 0.6  # token overlap a renamed target needs to count as found without the policy


@dataclass
class Resolution:
    element: Element | None
    score: float
    how: str  # "exact", "similar" or "missing"


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def similarity(a: str, b: str) -> float:
    """Token overlap (Jaccard) of two labels; 1.0 for equal text ignoring case and punctuation."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 1.0 if a.strip().lower() == b.strip().lower() else 0.0
    return len(wa & wb) / len(wa | wb)


def _role_family(role: str) -> str:
    for family, roles in (("field", FIELD_ROLES), ("toggle", TOGGLE_ROLES), ("click", CLICK_ROLES)):
        if role in roles:
            return family
    return role


def _score(element: Element, target: Target) -> tuple[float, float]:
    """(score, name similarity) of one candidate element."""
    name_sim = similarity(element.name, target.name) if target.name else 0.0
    exact_name = bool(target.name) and element.name.strip().lower() == target.name.strip().lower()
    score = 6.0 if exact_name else 4.0 * name_sim
    if element.role == target.role:
        score += 2.0
    elif _role_family(element.role) == _role_family(target.role):
        score += 1.0
    else:
        score -= 3.0
    if target.placeholder and element.placeholder:
        score += 1.5 * similarity(element.placeholder, target.placeholder)
    if target.options and element.options:
        score += 3.0 * similarity(" ".join(element.options), " ".join(target.options))
    if target.tag and element.tag and element.tag != target.tag:
        score -= 1.0
    if (element.frame or "") != (target.frame or ""):
        score -= 2.0
    if target.id_hint and element.id == target.id_hint:
        score += 0.5
    return score, (1.0 if exact_name else name_sim)


def resolve(obs: Observation, target: Target, params: dict[str, str] | None = None) -> Resolution:
    """The best matching element, or a missing resolution when nothing reads like the target."""
    if target.context:  # a name that is data ("#1023") identifies nothing on another record's page: its row does
        in_context = _by_context(obs, target, params or {})
        if in_context is not None:
            return Resolution(in_context, 5.0, "context")
    scored = []
    for element in obs.elements:
        if "disabled" in element.states:
            continue
        score, name_sim = _score(element, target)
        scored.append((score, name_sim, element))
    exact = [(s, e) for s, sim, e in scored if sim == 1.0 and _role_family(e.role) == _role_family(target.role)]
    if exact:
        same_role = [e for s, e in exact if e.role == target.role] or [e for _, e in exact]
        if len(same_role) > 1:  # several alike: the one at the recorded position among them
            chosen = same_role[min(target.nth, len(same_role) - 1)]
            hinted = next((e for e in same_role if target.id_hint and e.id == target.id_hint), None)
            chosen = chosen if target.nth < len(same_role) else (hinted or chosen)
            return Resolution(chosen, max(s for s, _ in exact), "exact")
        return Resolution(same_role[0], max(s for s, _ in exact), "exact")
    if not scored:
        return Resolution(None, 0.0, "missing")
    score, name_sim, element = max(scored, key=lambda item: item[0])
    options_match = bool(target.options and element.options) and (
        similarity(" ".join(element.options), " ".join(target.options)) >= 0.8
    )
    if (name_sim >= MIN_NAME_SIMILARITY or options_match) and _role_family(element.role) == _role_family(target.role):
        return Resolution(element, score, "similar")
    return Resolution(None, score, "missing")


def _by_context(obs: Observation, target: Target, params: dict[str, str]) -> Element | None:
    """The element of the target's role next to a line matching its context (the row naming the record)."""
    pattern = compile_pattern(target.context, params)
    lines = parse_lines(obs.text)
    for i, line in enumerate(lines):
        if line.role != target.role:
            continue
        j = i + (target.context_offset or 1)
        if 0 <= j < len(lines) and pattern.search(lines[j].text):
            return obs.element(line.id)
    return None


def resolve_option(obs: Observation, option: str) -> Element | None:
    """The list offering `option` (the page shows a suggestion list's options on the list, not as elements)."""
    for element in obs.elements:
        if element.role in ("listbox", "combobox", "menu") and any(
            o.strip().casefold() == option.strip().casefold() for o in element.options
        ):
            return element
    return None
