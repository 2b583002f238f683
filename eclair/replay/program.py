"""A workflow program: the steps of one verified run or demonstration, with robust targets, parameters and checks.

A program is data (pydantic, stored as JSON in the database). Values that were the task's parameters are written
`{{name}}` everywhere (typed text, chosen options, target names, URLs, checks), so one program serves any values.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

StepKind = Literal["click", "type", "select", "check", "press", "goto", "upload", "scroll"]
CheckKind = Literal["value", "checked", "url", "text"]
ProgramStatus = Literal["active", "pending_review"]
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


class Target(BaseModel):
    """How to find a step's element on a changed page: what a person reads, not where it was.

    `id_hint` is the element's id when it was recorded: a tie-breaker only, ids are renumbered on every page.
    """

    role: str = ""
    name: str = ""  # accessible name (the label of a field, the text of a button or link)
    tag: str = ""
    placeholder: str = ""
    nearby: str = ""  # the text line just before the element on the page (a section heading, a row)
    context: str = ""  # a pattern (with placeholders) an adjacent line matches: the row a "#1023" link sits in
    context_offset: int = 0  # where that line is: +1 just after the target's line, -1 just before
    options: list[str] = Field(default_factory=list)  # a select's option labels
    frame: str = ""
    nth: int = 0  # among the page's elements with the same role and name, which one
    id_hint: str = ""

    def describe(self) -> str:
        what = f'{self.role} "{self.name}"' if self.name else (self.role or self.tag or "element")
        return f"{what} in frame {self.frame!r}" if self.frame else what


class Check(BaseModel):
    """One expected effect of a step, read from the trace: a field's value, a tick, the URL, or a text."""

    kind: CheckKind
    expected: str = ""  # value / URL path pattern (a regex) / text; may hold {{param}} placeholders
    any_of: list[str] = Field(default_factory=list)  # text: any of these lines appearing passes

    def describe(self) -> str:
        if self.kind == "text":
            return "page shows " + " or ".join(repr(t) for t in (self.any_of or [self.expected]))
        if self.kind == "checked":
            return f"target is {'ticked' if self.expected != 'false' else 'unticked'}"
        return f"{self.kind} {self.expected!r}"


class ProgramStep(BaseModel):
    kind: StepKind
    intent: str  # what a person would read, e.g. 'Type "{{customer}}" into combobox "Customer"'
    target: Target | None = None
    value: str | None = None  # typed text or chosen option; may hold {{param}} placeholders
    key: str | None = None
    url: str | None = None
    checked: bool = True
    files: list[str] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    healed: bool = False  # this step was rewritten from what the live policy did when the recorded one broke


class Program(BaseModel):
    """A parameterized workflow program; `version` grows by one each time it is healed or recompiled."""

    name: str
    version: int = 0
    description: str = ""  # the task text with {{param}} placeholders: what retrieval matches a request against
    params: dict[str, str] = Field(default_factory=dict)  # name -> the value it had in the source (an example)
    secret_params: list[str] = Field(default_factory=list)  # typed from Task.secrets, never stored
    start_url: str | None = None  # may hold {{param}} placeholders
    steps: list[ProgramStep] = Field(default_factory=list)
    source: str = ""  # "run:<id>" or "demonstration:<id>" (or "heal:<run id>")
    status: ProgramStatus = "active"
    note: str = ""

    def placeholders(self) -> set[str]:
        """Every parameter name the program uses."""
        found = set(PLACEHOLDER.findall(self.description + (self.start_url or "")))
        for step in self.steps:
            found |= set(PLACEHOLDER.findall(step.model_dump_json()))
        return found


def fill(template: str | None, params: dict[str, str]) -> str | None:
    """Put parameter values into a template; a placeholder without a value stays as it is (a secret, for the runner)."""
    if template is None:
        return None
    return PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), template)


def bind(text: str | None, params: dict[str, str], *, whole_only: bool = False) -> str | None:
    """The reverse of fill: each parameter's value in `text` becomes its placeholder (longest values first).

    `whole_only` binds only when the text is exactly one value (a target's name: "94" inside "Room 94B" is no
    parameter); otherwise values of 3+ characters are bound inside longer texts too.
    """
    if text is None or not params:
        return text
    by_length = sorted(params.items(), key=lambda kv: -len(kv[1]))
    for name, value in by_length:
        if value and text.strip() == value:
            return "{{" + name + "}}"
    if whole_only:
        return text
    for name, value in by_length:
        if len(value) >= 3:
            text = re.sub(rf"(?<![\w]){re.escape(value)}(?![\w])", "{{" + name + "}}", text)
    return text
