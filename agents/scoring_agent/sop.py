"""Following an SOP step by step: ground a step to the one candidate that does it, track which step is next.

An SOP step names its action and quotes its target and value ("Type 'Acme' into the textbox 'Customer'"). When
exactly one candidate does that, the agent takes it; otherwise the model chooses among the candidates that fit
(or all of them). The pointer moves on only when a clean step did what the current SOP step says.
"""

from __future__ import annotations

import re

from eclair.types import StepRecord

_STEP_VERB_TO_KIND = {
    "click": "click",
    "tick": "click",
    "untick": "click",
    "choose": "click",
    "type": "type",
    "select": "select",
    "press": "press",
}
_QUOTED = re.compile(r'"([^"]*)"|\'([^\']*)\'')


def ground_step(step: str, candidates: list[str]) -> int | None:
    """The one candidate action (agent candidate texts like `click link "Edit"`, `type "86" into textbox "Pulse"`)
    that does exactly what an SOP step says: same kind of action and every quoted value and name of the step.

    Returns its index, or None when no candidate or more than one fits — then a model has to choose.
    """
    words = step.split()
    kind = _STEP_VERB_TO_KIND.get(words[0].lower()) if words else None
    if kind is None:
        return None
    wanted = [a or b for a, b in _QUOTED.findall(step)]
    role = re.search(r"\bthe (\w+) [\"']", step)
    fits = []
    for i, text in enumerate(candidates):
        parts = text.split()
        if not parts or parts[0].lower() != kind:
            continue
        offered = {(a or b).lower() for a, b in _QUOTED.findall(text)}
        if kind == "press":
            if len(words) > 1 and words[1].lower() in text.lower():
                fits.append(i)
            continue
        if wanted and all(w.lower() in offered for w in wanted):
            fits.append(i)
    if len(fits) > 1 and role:
        by_role = [i for i in fits if re.search(rf"\b{re.escape(role.group(1))}\b", candidates[i], re.I)]
        fits = by_role or fits
    return fits[0] if len(fits) == 1 else None


def fitting(step: str, candidates: list[str]) -> list[int]:
    """Indexes of candidates of the step's kind that carry every quoted value of the step (maybe several)."""
    words = step.split()
    kind = _STEP_VERB_TO_KIND.get(words[0].lower()) if words else None
    wanted = [(a or b).lower() for a, b in _QUOTED.findall(step)]
    if kind is None or not wanted:
        return []
    fits = []
    for i, text in enumerate(candidates):
        offered = {(a or b).lower() for a, b in _QUOTED.findall(text)}
        if text.split(" ", 1)[0].lower() == kind and all(w in offered for w in wanted):
            fits.append(i)
    return fits


def sop_position(sop: list[str], history: list[StepRecord]) -> int:
    """Index of the next SOP step: a step counts as done when a clean action did exactly what it says."""
    position = 0
    for record in history:
        if position >= len(sop):
            break
        clean = record.result is not None and record.result.ok and not record.feedback
        if clean and ground_step(sop[position], [record.decision.completion.strip()]) == 0:
            position += 1
    return position
