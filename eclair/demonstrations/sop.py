"""Standard operating procedures from demonstrations: a faithful step list, generalised to the parameters.

ECLAIR writes an SOP with a large model and then generalises it. The embedded 135M model cannot do either
reliably, so the step list comes straight from the action log and the generalisation is deterministic: the
demonstration's parameter values become `{name}` placeholders. A model pass runs only when an OpenAI-compatible
backend is configured, and its output is kept only when it passes the same checks (step count, placeholders,
fidelity); otherwise the deterministic SOP stays and the result says why.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from eclair.demonstrations.errors import NoDemonstration
from eclair.demonstrations.saving import load_manifest
from eclair.demonstrations.schema import DemoAction
from eclair.prompting import render_prompt
from eclair.types import UNTRUSTED_NOTE, fence_untrusted

log = logging.getLogger(__name__)
MIN_CONTAINED_VALUE = 6  # a shorter value replaces an element name only when it is the whole name
_NUMBERING = re.compile(r"^\s*(?:\d+\s*[.):]|[-*•])\s*")
_VERBS: dict[str, tuple[str, ...]] = {
    "click": ("click", "press", "tap", "select", "choose", "pick", "open", "hit"),
    "type": ("type", "enter", "fill", "input", "write", "put"),
    "select": ("select", "choose", "pick", "set"),
    "check": ("check", "tick", "uncheck", "untick", "select", "choose", "mark", "toggle"),
    "press": ("press", "hit", "submit"),
    "scroll": ("scroll",),
    "goto": ("go", "open", "navigate", "visit"),
    "upload": ("upload", "attach", "choose", "select"),
    "submit": ("submit", "click", "press", "send"),
}


@dataclass
class SopResult:
    workflow: str
    text: str
    steps: list[str]
    version: int
    generated: bool  # False when the stored SOP was returned as it is
    fidelity: float | None  # None when there is no demonstration to measure against
    note: str = ""


def _ordered_params(params: dict[str, str], label: str) -> list[tuple[str, str]]:
    """Longest values first; among equal values, the parameter whose name matches the field (qty2 ↔ 'Quantity 2')."""
    label_low = label.lower()
    label_digits = re.findall(r"\d+", label)

    def fit(name: str) -> int:
        digits = re.findall(r"\d+", name)
        return int(bool(digits) and digits == label_digits) + int(name.lower().rstrip("0123456789") in label_low)

    return sorted(params.items(), key=lambda kv: (-len(kv[1]), -fit(kv[0])))


def _replace_values(text: str, params: dict[str, str], *, whole_only: bool, label: str = "") -> str:
    for name, value in _ordered_params(params, label):
        if not value or value.startswith("{{"):
            continue
        if text.strip().lower() == value.strip().lower():
            return "{" + name + "}"
        # inside a longer name only values unlikely to be ordinary words: long ones, or ids with digits
        if whole_only and len(value) < MIN_CONTAINED_VALUE and not any(c.isdigit() for c in value):
            continue
        text = re.sub(rf"(?<![\w{{]){re.escape(value)}(?![\w}}])", "{" + name + "}", text)
    return text


def generalise_action(action: DemoAction, params: dict[str, str]) -> DemoAction:
    """Replace the demonstration's parameter values in what was typed, chosen, visited or clicked."""
    out = action.model_copy(deep=True)
    label = out.target_label()
    if out.text and not out.secret:
        out.text = _replace_values(out.text, params, whole_only=False, label=label)
    if out.url:
        out.url = _replace_values(out.url, params, whole_only=False)
    if out.target is not None and out.target.name:
        out.target.name = _replace_values(out.target.name, params, whole_only=True)
    return out


def faithful_steps(actions: list[DemoAction]) -> list[str]:
    return [a.describe() for a in actions]


def generalised_steps(actions: list[DemoAction], params: dict[str, str]) -> list[str]:
    """One step per demonstrated action, with parameter values as `{name}`; never adds or drops a step."""
    return [generalise_action(a, params).describe() for a in actions]


def format_sop(steps: list[str]) -> str:
    return "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1)) + "\n"


def parse_sop(text: str) -> list[str]:
    """Numbered or bulleted lines → steps; blank lines and `#` comments are skipped."""
    steps = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        steps.append(_NUMBERING.sub("", line).strip())
    return [s for s in steps if s]


def instantiate_sop(steps: list[str], params: dict[str, str]) -> list[str]:
    """Fill `{name}` placeholders with this run's values; secrets (`{{name}}`) and unknown names stay."""

    def fill(step: str) -> str:
        return re.sub(r"(?<!\{)\{(\w+)\}(?!\})", lambda m: params.get(m.group(1), m.group(0)), step)

    return [fill(s) for s in steps]


def step_matches(action: DemoAction, step: str, params: dict[str, str] | None = None) -> bool:
    """Does this SOP step describe this action (its verb, its element, and its value or the value's placeholder)?"""
    low = step.lower()
    if not any(re.search(rf"\b{verb}", low) for verb in _VERBS[action.kind]):
        return False
    general = generalise_action(action, params or {})
    label = action.target_label().lower()
    if action.kind in {"click", "type", "select", "check", "upload"} and label and label not in low:
        general_label = general.target_label().lower()
        if general_label not in low:
            return False
    if action.kind in {"type", "select", "upload"} and action.text:
        options = {action.text.lower(), (general.text or "").lower()}
        if not any(o and o in low for o in options):
            return False
    if action.kind == "press" and action.key and action.key.lower() not in low:
        return False
    return not (
        action.kind == "goto" and action.url and action.url.lower() not in low and (general.url or "") not in step
    )


def sop_fidelity(actions: list[DemoAction], steps: list[str], params: dict[str, str] | None = None) -> float:
    """Share of demonstrated actions that appear as SOP steps in the same order (longest common subsequence)."""
    if not actions:
        return 1.0
    n, m = len(actions), len(steps)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if step_matches(actions[i], steps[j], params):
                table[i][j] = 1 + table[i + 1][j + 1]
            else:
                table[i][j] = max(table[i + 1][j], table[i][j + 1])
    return table[0][0] / n


class _RefinedSteps(BaseModel):
    steps: list[str]


def refine_with_model(
    steps: list[str], actions: list[DemoAction], params: dict[str, str], backend: Any
) -> tuple[list[str], str]:
    """ECLAIR's generalise pass on a capable model; kept only if it passes the checks, else the input is kept."""
    from eclair.models import generate_json

    placeholders = ", ".join("{" + k + "}" for k in params) or "(none)"
    fenced = fence_untrusted(format_sop(steps), "SOP")  # its quoted names come from the page
    user = render_prompt(__file__, "sop_refine.j2", steps=steps, sop=fenced, placeholders=placeholders)
    messages = [
        {"role": "system", "content": render_prompt(__file__, "sop_refine_system.j2", untrusted_note=UNTRUSTED_NOTE)},
        {"role": "user", "content": user},
    ]
    try:
        refined, _ = generate_json(backend, messages, _RefinedSteps, temperature=0.0, max_tokens=1024)
    except Exception as exc:
        return steps, f"model pass failed ({type(exc).__name__}: {exc}); kept the deterministic SOP"
    new = [s.strip() for s in refined.steps]
    if len(new) != len(steps):
        return steps, f"model pass changed the step count ({len(steps)}→{len(new)}); kept the deterministic SOP"
    for old, candidate in zip(steps, new, strict=True):
        for placeholder in re.findall(r"\{+\w+\}+", old):
            if placeholder not in candidate:
                return steps, f"model pass dropped {placeholder}; kept the deterministic SOP"
    if sop_fidelity(actions, new, params) < sop_fidelity(actions, steps, params):
        return steps, "model pass lowered fidelity; kept the deterministic SOP"
    return new, "model pass accepted (same steps, placeholders kept)"


def _latest_demonstration(store: Any, workflow: str) -> tuple[list[DemoAction], dict[str, str]] | None:
    for demo in sorted(store.list_demonstrations(workflow), key=lambda d: d.created_at, reverse=True):
        if demo.action_log:
            manifest = load_manifest(store, demo.files)
            params = manifest.params if manifest else {}
            return [DemoAction.model_validate(a) for a in demo.action_log], params
    return None


def write_sop(store: Any, workflow: str, *, regenerate: bool = False, backend: Any = None) -> SopResult:
    """Return the workflow's SOP, writing (and versioning) it from the latest demonstration when missing or asked."""
    if store.get_workflow(workflow) is None:
        raise NoDemonstration(
            f"workflow {workflow!r} is not in the store; record one with `eclair record --workflow {workflow}`"
        )
    demo = _latest_demonstration(store, workflow)
    existing = store.get_sop(workflow)
    if existing and not regenerate:
        steps = parse_sop(existing)
        fidelity = sop_fidelity(demo[0], steps, demo[1]) if demo else None
        version = store.get_workflow(workflow).sop_version
        return SopResult(workflow, existing, steps, version, False, fidelity, "stored SOP")
    if demo is None:
        raise NoDemonstration(
            f"workflow {workflow!r} has no demonstration with actions; add one with `eclair record` or `eclair ingest`"
        )
    actions, params = demo
    steps = generalised_steps(actions, params)
    note = "deterministic generalisation from the demonstration's parameters"
    if backend is not None and getattr(backend, "name", "") == "openai":
        steps, note = refine_with_model(steps, actions, params, backend)
    elif backend is not None:
        note += f"; no model pass on the {getattr(backend, 'name', 'local')} backend (free generation unreliable)"
    text = format_sop(steps)
    version = store.set_sop(workflow, text)
    return SopResult(workflow, text, steps, int(version), True, sop_fidelity(actions, steps, params), note)


def task_sop(store: Any, workflow: str, params: dict[str, str]) -> list[str] | None:
    """The workflow's SOP as steps for `Task.sop`, filled with this run's parameter values (None without SOP)."""
    text = store.get_sop(workflow)
    return instantiate_sop(parse_sop(text), params) if text else None
