"""What a demonstration is made of: merged actions with their target and the page state before and after."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

DemoActionKind = Literal["click", "type", "select", "check", "press", "scroll", "goto", "submit", "upload"]
DemoSource = Literal["recording", "video", "imported"]
MANIFEST_NAME = "demonstration.json"


class TargetInfo(BaseModel):
    """The element an action was aimed at, as captured when it happened."""

    eclair_id: str = ""
    role: str = ""
    name: str = ""
    tag: str = ""
    xpath: str = ""
    input_type: str = ""
    value: str | None = None
    bbox: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    frame: str = ""  # "" for the top frame

    def same_element(self, other: TargetInfo | None) -> bool:
        if other is None:
            return False
        if self.xpath and other.xpath:
            return self.xpath == other.xpath and self.frame == other.frame
        return bool(self.eclair_id) and self.eclair_id == other.eclair_id


class PageState(BaseModel):
    """The page at one moment: what the agent would have seen, and a screenshot file (relative to the demo dir)."""

    url: str = ""
    title: str = ""
    observation: str = ""
    screenshot: str | None = None
    t: float = 0.0  # seconds from the start of the demonstration


class DemoAction(BaseModel):
    """One action as a person would describe it (keystrokes merged into one type, mouse down+up into a click)."""

    index: int = 0
    kind: DemoActionKind
    target: TargetInfo | None = None
    text: str | None = None  # typed text, chosen option, or a {{placeholder}} for a secret
    key: str | None = None
    url: str | None = None
    checked: bool | None = None
    dx: float = 0.0
    dy: float = 0.0
    secret: bool = False  # text is a placeholder, the real value was never recorded
    t: float = 0.0
    before: PageState | None = None
    after: PageState | None = None

    def target_label(self) -> str:
        if self.target is None:
            return ""
        return self.target.name or self.target.role or self.target.tag

    def describe(self) -> str:
        """The faithful SOP step for this action, e.g. `Type "Acme" into the textbox "Customer"`.

        Names are double-quoted and carry their role, the way the agent's page lines and candidate actions
        write them (`click link "New ticket"`), so even a small model can match a step to an action by copying.
        """
        label = self.target_label()
        role = (self.target.role if self.target else "") or ""
        the_role = f"the {role} " if role and role not in {"generic", "text", "none", "label"} else ""
        if self.kind == "click":
            return f"Click {the_role}{quote(label)}" if label else f"Click the {role or 'element'}"
        if self.kind == "type":
            field = f"{the_role or 'the field '}{quote(label)}" if label else "the field"
            return f"Type {quote(self.text or '')} into {field}"
        if self.kind == "select":
            return f"Select {quote(self.text or '')} in {the_role}{quote(label or 'the list')}"
        if self.kind == "check":
            if role == "radio":
                return f"Choose the radio {quote(label)}"
            return f"{'Tick' if self.checked is not False else 'Untick'} the checkbox {quote(label)}"
        if self.kind == "press":
            where = f" in {the_role}{quote(label)}" if label else ""
            return f"Press {self.key or 'Enter'}{where}"
        if self.kind == "scroll":
            direction = "up" if self.dy < 0 else "down"
            if abs(self.dx) > abs(self.dy):
                direction = "left" if self.dx < 0 else "right"
            where = f" in {quote(label)}" if label and self.target and self.target.tag not in {"html", "body"} else ""
            return f"Scroll {direction}{where}"
        if self.kind == "goto":
            return f"Go to {self.url}"
        if self.kind == "upload":
            return f"Upload {quote(self.text or '')} in the file field {quote(label)}" if label else "Upload a file"
        return f"Submit the form {quote(label)}" if label else "Submit the form"


def quote(text: str) -> str:
    """Double quotes, like the agent's page lines; single quotes when the value has a double quote."""
    return f"'{text}'" if '"' in text else f'"{text}"'


class DemonstrationManifest(BaseModel):
    """`demonstration.json` beside the screenshots and video: everything needed to rebuild the demonstration."""

    workflow: str
    source: DemoSource
    start_url: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    actions: list[DemoAction] = Field(default_factory=list)
    initial: PageState | None = None
    video: str | None = None
    origin: str | None = None  # the file it was ingested or imported from
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    extra: dict[str, Any] = Field(default_factory=dict)
