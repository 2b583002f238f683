"""Every action kind, defined once: the fields it needs, the doc shown to models, the phrase a scored candidate
reads as, where it acts and the risk tags the security gate reads.

Everything else derives from ACTION_SPECS: the action reference in generative prompts (`action_space_prompt`),
the per-kind JSON schema (`eclair.types.action_schema`), the scoring agent's candidate text (`candidate_phrase`), the
executor tables of `eclair.browser.act` (keyed by kind, bound by `acts_on`) and `eclair.security.risk`/`gate`.
Adding a kind here and an executor there is the whole change; a test checks every kind has both.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ActionKind = Literal[
    "click",
    "type",
    "select",
    "check",
    "hover",
    "scroll",
    "press",
    "goto",
    "tab",
    "upload",
    "wait",
    "done",
    "ask_human",
]

# Where the browser runs it: on a located element, on the page (the executor finds any element itself), on the
# element when one is named else the page, or nowhere (the runner handles it).
ActsOn = Literal["element", "page", "element_or_page", "nothing"]

# What the gate reads. commits: running it can change or send something by itself (a click, a choice, Enter, a
# navigation), so the approval policy applies. labelled: its risk is read from the target element's own words.
# enter_submits: Enter in a field (type with enter=true, press Enter) submits the field's form. opens_url: it
# opens `url` (goto, a new tab), so the domain allow-list applies.
RiskTag = Literal["commits", "labelled", "enter_submits", "opens_url"]


class ActionSpec(BaseModel):
    """The declarative description of one action kind."""

    model_config = ConfigDict(frozen=True)

    kind: ActionKind
    doc: str  # shown to generative models in the action reference
    required: tuple[str, ...] = ()  # Action fields this kind cannot run without
    example: dict[str, Any] = Field(default_factory=dict)
    phrase: str = ""  # a scored candidate's text, e.g. 'type "{text}" into {target}'; "" when never a candidate
    acts_on: ActsOn = "element"
    risk: frozenset[RiskTag] = frozenset()


ACTION_SPECS: dict[str, ActionSpec] = {
    s.kind: s
    for s in [
        ActionSpec(
            kind="click",
            doc="Click an element.",
            required=("element",),
            example={"kind": "click", "element": "12"},
            phrase="click {target}",
            risk=frozenset({"commits", "labelled"}),
        ),
        ActionSpec(
            kind="type",
            doc="Clear a text field and type text into it; enter=true presses Enter after.",
            required=("element", "text"),
            example={"kind": "type", "element": "7", "text": "Acme"},
            phrase='type "{text}" into {target}',
            risk=frozenset({"enter_submits"}),
        ),
        ActionSpec(
            kind="select",
            doc="Choose an option of a select or listbox by its label or value.",
            required=("element", "text"),
            example={"kind": "select", "element": "9", "text": "High"},
            phrase='select "{text}" in {target}',
            risk=frozenset({"commits"}),
        ),
        ActionSpec(
            kind="check",
            doc="Tick (checked=true) or untick (checked=false) a checkbox, radio or switch.",
            required=("element",),
            example={"kind": "check", "element": "4", "checked": True},
            risk=frozenset({"commits", "labelled"}),
        ),
        ActionSpec(
            kind="hover",
            doc="Move the mouse over an element.",
            required=("element",),
            example={"kind": "hover", "element": "3"},
        ),
        ActionSpec(
            kind="scroll",
            doc="Scroll the page, or the element if given, by amount px in a direction.",
            example={"kind": "scroll", "direction": "down", "amount": 600},
            acts_on="page",
        ),
        ActionSpec(
            kind="press",
            doc="Press a key or chord, in the element if given, else in the focused one.",
            required=("key",),
            example={"kind": "press", "key": "Enter"},
            phrase="press {key}",
            acts_on="element_or_page",
            risk=frozenset({"commits", "labelled", "enter_submits"}),
        ),
        ActionSpec(
            kind="goto",
            doc="Open a URL in the current tab.",
            required=("url",),
            example={"kind": "goto", "url": "http://localhost:8000/tickets"},
            acts_on="page",
            risk=frozenset({"commits", "opens_url"}),
        ),
        ActionSpec(
            kind="tab",
            doc="Switch to, open (optionally at url) or close a browser tab by index.",
            required=("tab_op",),
            example={"kind": "tab", "tab_op": "switch", "index": 1},
            acts_on="page",
            risk=frozenset({"commits", "opens_url"}),
        ),
        ActionSpec(
            kind="upload",
            doc="Set the files of a file input.",
            required=("element", "files"),
            example={"kind": "upload", "element": "15", "files": ["invoice.pdf"]},
        ),
        ActionSpec(
            kind="wait",
            doc="Wait for text or an element to appear, or for a number of seconds.",
            example={"kind": "wait", "text": "Saved"},
            acts_on="page",
        ),
        ActionSpec(
            kind="done",
            doc="Finish the task; text is the answer when the task asks a question.",
            example={"kind": "done", "text": None},
            acts_on="nothing",
        ),
        ActionSpec(
            kind="ask_human",
            doc="Stop and ask the person a question (text) before going on.",
            required=("text",),
            example={"kind": "ask_human", "text": "Which Acme account?"},
            acts_on="nothing",
        ),
    ]
}


def action_space_prompt() -> str:
    """The action reference shown to generative models, one line per kind."""
    return "\n".join(f"- {spec.kind}: {spec.doc} e.g. {json.dumps(spec.example)}" for spec in ACTION_SPECS.values())


def candidate_phrase(kind: str, **values: str) -> str:
    """The text a candidate of `kind` is scored as, e.g. candidate_phrase("click", target='button "Save"')."""
    template = ACTION_SPECS[kind].phrase
    if not template:
        raise ValueError(f"action kind {kind!r} has no candidate phrase")
    return template.format(**values)


def has_risk(kind: str, tag: RiskTag) -> bool:
    return tag in ACTION_SPECS[kind].risk
