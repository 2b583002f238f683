"""Prompt rendering for the scoring agent: a short page listing without ids, the task last, then the answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agents.scoring_agent.candidates import describe_element, words
from eclair.types import Observation, fence_untrusted

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    undefined=StrictUndefined,
    keep_trailing_newline=False,
    trim_blocks=True,
)
_TEMPLATE = _ENV.get_template("prompt.j2")


def page_lines(obs: Observation, goal: str, max_lines: int) -> list[str]:
    """`- role "name" value=…` per element in reading order; the least goal-relevant lines go first when capped."""
    lines: list[str] = []
    for el in obs.elements:
        line = "- " + describe_element(el)
        if el.value and el.role not in ("button", "link") and el.value != el.name:
            line += f' value="{el.value[:40]}"'
        if "checked" in el.states:
            line += " checked"
        lines.append(line)
    if len(lines) <= max_lines:
        return lines
    goal_words = words(goal)
    ranked = sorted(range(len(lines)), key=lambda i: (-len(goal_words & words(lines[i])), i))
    keep = sorted(ranked[:max_lines])
    return [lines[i] for i in keep]


ChatTemplate = Callable[[list[dict[str, str]]], str]


def render(page: list[str], goal: str | None, done_so_far: list[str], chat: ChatTemplate | None = None) -> str:
    """The scoring prompt; `goal=None` gives the task-less prompt used for PMI calibration.

    With the model's chat template the page and task are the user turn and the action is the assistant's answer
    (measured: 40/40 on the grounding probe against 19/40 as plain text, see BENCHMARKS.md). The page sits in
    the untrusted-content fence: a line on it can never read as the task or the answer.
    """
    body = _TEMPLATE.render(page=fence_untrusted("\n".join(page)), goal=goal, done_so_far=done_so_far).strip()
    if chat is not None:
        return chat([{"role": "user", "content": body}])
    return body + "\nNext action:"


def continuation(text: str, chat: ChatTemplate | None) -> str:
    """The exact string scored after the prompt: the assistant turn starts fresh, plain text needs a space."""
    return text if chat is not None else " " + text
