"""Turn the recorder's raw DOM events into the actions a person would name.

Keystrokes (input events) into one field become one `type`; mousedown+mouseup(+click) become one `click`;
a click that only focuses the field typed into next, a label click that toggles its checkbox, a Tab that
moves between fields and a submit caused by the click or Enter just before are folded away. Navigations
a click caused stay with that click; a load with no referrer (typed URL, `page.goto`) becomes a `goto`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from eclair.demonstrations.schema import DemoAction, TargetInfo

RawEventType = Literal["mousedown", "mouseup", "click", "input", "change", "keydown", "submit", "scroll", "load"]
KEYS_RECORDED = {"Enter", "Tab", "Escape"}
_SUBMITTERS = {"button", "submit", "image"}
_TOGGLES = {"checkbox", "radio"}


class RawEvent(BaseModel):
    """One DOM event as the injected listener reported it."""

    seq: int = 0
    type: RawEventType
    t: float = 0.0  # seconds from the start of the recording
    target: TargetInfo | None = None
    value: str | None = None
    checked: bool | None = None
    key: str | None = None
    url: str | None = None
    referrer: str | None = None
    title: str | None = None
    top: bool = True
    dx: float = 0.0
    dy: float = 0.0
    secret: bool = False


@dataclass
class MergedAction:
    action: DemoAction
    first_seq: int
    last_seq: int


def _is_toggle(target: TargetInfo | None) -> bool:
    return target is not None and (target.input_type in _TOGGLES or target.role in _TOGGLES)


def _is_text_field(target: TargetInfo | None) -> bool:
    if target is None:
        return False
    return target.tag == "textarea" or (target.tag == "input" and target.input_type not in _TOGGLES | _SUBMITTERS)


def merge_events(events: list[RawEvent]) -> list[MergedAction]:
    """Merge raw events (in the order they happened) into person-level actions."""
    merged: list[MergedAction] = []
    pending_down: RawEvent | None = None
    pending_up: tuple[RawEvent, RawEvent] | None = None
    loads = 0

    def last() -> MergedAction | None:
        return merged[-1] if merged else None

    def emit(action: DemoAction, event: RawEvent) -> None:
        action.t = event.t
        merged.append(MergedAction(action, event.seq, event.seq))

    def flush_mouse() -> None:
        # mousedown+mouseup with no click event (element replaced under the pointer) still is a click
        nonlocal pending_up
        if pending_up is not None:
            down, up = pending_up
            pending_up = None
            if up.target is not None and up.target.same_element(down.target):
                emit(DemoAction(kind="click", target=up.target), up)
                merged[-1].first_seq = down.seq

    for ev in events:
        if ev.type == "mousedown":
            flush_mouse()
            pending_down = ev
            continue
        if ev.type == "mouseup":
            if pending_down is not None:
                pending_up = (pending_down, ev)
            pending_down = None
            continue
        if ev.type == "click":
            first = pending_up[0].seq if pending_up else ev.seq
            pending_up = None
            prev = last()
            # a label click forwards a click to its control: keep the control's
            if (
                prev
                and prev.action.kind == "click"
                and prev.action.target
                and prev.action.target.tag == "label"
                and ev.t - prev.action.t < 0.5
            ):
                merged.pop()
                first = min(first, prev.first_seq)
            emit(DemoAction(kind="click", target=ev.target), ev)
            merged[-1].first_seq = first
            continue
        flush_mouse()
        prev = last()
        if ev.type == "input":
            if (
                ev.target is None
                or ev.target.tag == "select"
                or ev.target.input_type == "file"
                or _is_toggle(ev.target)
            ):
                continue  # selects, file inputs and toggles are recorded by their change event
            if prev and prev.action.kind == "type" and ev.target.same_element(prev.action.target):
                prev.action.text = ev.value or ""
                prev.action.secret = ev.secret
                prev.action.target = ev.target
                prev.last_seq = ev.seq
                continue
            first = ev.seq
            if prev and prev.action.kind == "click" and ev.target.same_element(prev.action.target):
                merged.pop()  # the click only focused the field
                first = prev.first_seq
            emit(DemoAction(kind="type", target=ev.target, text=ev.value or "", secret=ev.secret), ev)
            merged[-1].first_seq = first
            continue
        if ev.type == "change":
            if ev.target is None:
                continue
            first = ev.seq
            if prev and prev.action.kind == "click" and ev.target.same_element(prev.action.target):
                merged.pop()
                first = prev.first_seq
                prev = last()
            if ev.target.input_type == "file":
                emit(DemoAction(kind="upload", target=ev.target, text=ev.value or ""), ev)
            elif ev.target.tag == "select":
                emit(DemoAction(kind="select", target=ev.target, text=ev.value or ""), ev)
            elif _is_toggle(ev.target):
                emit(DemoAction(kind="check", target=ev.target, checked=bool(ev.checked)), ev)
            elif (typed := _last_typed(merged, ev.target)) is not None and (
                typed is prev or ev.value is None or ev.value == typed.action.text
            ):
                # the change a field fires on blur commits what was typed; it is not a new action
                typed.action.text = ev.value if ev.value is not None else typed.action.text
                typed.last_seq = max(typed.last_seq, ev.seq)
                continue
            else:  # a value set without input events (autofill, paste by script)
                emit(DemoAction(kind="type", target=ev.target, text=ev.value or "", secret=ev.secret), ev)
            merged[-1].first_seq = first
            continue
        if ev.type == "keydown":
            if ev.key not in KEYS_RECORDED:
                continue
            if ev.key == "Tab" and prev and prev.action.kind == "type":
                prev.last_seq = ev.seq  # moving on to the next field
                continue
            target = ev.target if _is_text_field(ev.target) else None
            emit(DemoAction(kind="press", key=ev.key, target=target), ev)
            continue
        if ev.type == "submit":
            caused = (
                prev is not None
                and ev.t - prev.action.t < 2.0
                and (
                    (prev.action.kind == "press" and prev.action.key == "Enter")
                    or (
                        prev.action.kind == "click"
                        and prev.action.target is not None
                        and (prev.action.target.tag == "button" or prev.action.target.input_type in _SUBMITTERS)
                    )
                )
            )
            if caused and prev is not None:
                prev.last_seq = ev.seq
            else:
                emit(DemoAction(kind="submit", target=ev.target), ev)
            continue
        if ev.type == "scroll":
            if prev and prev.action.kind == "scroll" and _same_scroller(prev.action.target, ev.target):
                prev.action.dx += ev.dx
                prev.action.dy += ev.dy
                prev.last_seq = ev.seq
                continue
            if abs(ev.dx) + abs(ev.dy) < 1:
                continue
            emit(DemoAction(kind="scroll", target=ev.target, dx=ev.dx, dy=ev.dy), ev)
            continue
        if ev.type == "load" and ev.top and not (ev.url or "").startswith("about:"):
            loads += 1
            # the first load is the start page; a load with no referrer was typed or scripted, not clicked
            if loads > 1 and not ev.referrer and ev.url:
                emit(DemoAction(kind="goto", url=ev.url), ev)
            elif prev is not None:
                prev.last_seq = ev.seq
    flush_mouse()
    for i, item in enumerate(merged):
        item.action.index = i
    return merged


def _last_typed(merged: list[MergedAction], target: TargetInfo) -> MergedAction | None:
    for item in reversed(merged):
        if item.action.kind == "type" and target.same_element(item.action.target):
            return item
    return None


def _same_scroller(a: TargetInfo | None, b: TargetInfo | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.same_element(b) or (a.tag in {"html", "body", "#document"} and b.tag in {"html", "body", "#document"})
