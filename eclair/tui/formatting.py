"""Plain-text renderings of steps, verdicts and runs for the TUI tables (no Textual imports: easy to test)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text

from eclair.types import StepRecord, Verdict

LABEL_STYLES = {"pass": "bold green", "fail": "bold red", "unsure": "bold yellow", "—": "dim"}
STATUS_STYLES = {
    "pending": "dim",
    "running": "bold cyan",
    "succeeded": "bold green",
    "failed": "bold red",
    "interrupted": "bold magenta",
    "needs_review": "bold yellow",
}


def styled_label(label: str | None) -> Text:
    text = label or "—"
    return Text(text, style=LABEL_STYLES.get(text, ""))


def styled_status(status: str) -> Text:
    return Text(status, style=STATUS_STYLES.get(status, ""))


def step_label(step: StepRecord) -> str:
    """The step's worst verdict; a refused action (no result) counts as a fail."""
    if step.result is None and step.decision.action.kind not in ("done", "ask_human"):
        return "fail"
    labels = {v.label for v in step.verdicts}
    for label in ("fail", "unsure", "pass"):
        if label in labels:
            return label
    if step.result is not None and not step.result.ok:
        return "fail"
    return "—"


def target_name(step: StepRecord) -> str:
    """The accessible name (or role) of the element the action targeted, as the person sees it."""
    element_id = step.decision.action.element
    if not element_id:
        return step.decision.action.url or ""
    element = step.observation.element(element_id)
    if element is None:
        return f"[{element_id}]"
    name = element.name or element.placeholder or element.value or ""
    return f'{element.role} "{name}"' if name else element.role


def step_seconds(step: StepRecord) -> float:
    t = step.timings
    return (t.observe_ms + t.decide_ms + t.act_ms + t.validate_ms) / 1000.0


def step_row(step: StepRecord) -> tuple[Any, ...]:
    """Columns of the live step table: step, action, target, verdict, time."""
    index = f"{step.index}" + (f".{step.attempt}" if step.attempt else "")
    return (
        index,
        step.decision.action.describe(),
        target_name(step),
        styled_label(step_label(step)),
        f"{step_seconds(step):.1f}s",
    )


def verdict_lines(verdicts: list[Verdict]) -> str:
    """One line per critic: label, score and its reason."""
    if not verdicts:
        return "no critic verdicts"
    return "\n".join(f"{v.critic or 'critic'}: {v.label} ({v.score:.2f}) {v.reason}".rstrip() for v in verdicts)


def when(moment: datetime | None) -> str:
    return moment.strftime("%m-%d %H:%M") if moment else "—"


def step_detail(step: StepRecord) -> str:
    """Rationale, expected outcome, result and critic verdicts of one step, for the detail panes."""
    decision = step.decision
    result = step.result
    outcome = "refused by the gate" if result is None else ("ok" if result.ok else f"error: {result.error}")
    lines = [
        f"Step {step.index}: {decision.action.describe()}  →  {target_name(step)}",
        f"Rationale: {decision.rationale or '—'}",
        f"Expected:  {decision.expected_outcome or '—'}",
        f"Result:    {outcome}",
    ]
    if step.feedback:
        lines.append(f"Feedback:  {step.feedback}")
    lines.append(verdict_lines(step.verdicts))
    return "\n".join(lines)
