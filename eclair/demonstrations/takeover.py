"""A person takes over a run's browser: what they do is recorded, as a demonstration is, and becomes run steps.

The same recorder as `eclair record` (recorder.js reporting DOM events to a binding, merged into actions) runs in
the run's own browser context while the person holds it. Each merged action becomes an eclair Action on the
element it touched (by the id the last observation stamped, else by role and name), with the observed page
before and after it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eclair.demonstrations.merge import merge_events
from eclair.demonstrations.record import BINDING, QUIET_S, RECORDER_JS, EventRecorder
from eclair.demonstrations.schema import DemoAction
from eclair.types import Action, Observation

log = logging.getLogger(__name__)
_INSTALLED = "_eclair_takeover_recorder"  # the context attribute holding its recorder slot (one binding per context)


@dataclass
class TakenStep:
    """One action the person took, with the page as it was before and after."""

    before: Observation
    action: Action
    after: Observation


@dataclass
class _Slot:
    recorder: EventRecorder | None = None  # the recorder of the takeover in progress; None: events are dropped

    def on_event(self, source: Any, payload: dict[str, Any]) -> None:
        if self.recorder is not None and isinstance(payload, dict):
            self.recorder.on_event(source, payload)


@dataclass
class _Observations:
    by_key: dict[int, Observation] = field(default_factory=dict)


def _slot(context: Any) -> _Slot:
    """The context's recorder slot; the binding and init script are installed on first use and stay."""
    slot = getattr(context, _INSTALLED, None)
    if slot is None:
        slot = _Slot()
        context.expose_binding(BINDING, slot.on_event)
        context.add_init_script(RECORDER_JS)
        setattr(context, _INSTALLED, slot)
    return slot


def record_takeover(
    page: Any, hand_over: Callable[[Any, Callable[[], None]], None], secrets: dict[str, str] | None = None
) -> tuple[list[TakenStep], Any]:
    """Let `hand_over(page, tick)` give the browser to the person; return their steps and the tab they ended on."""
    from eclair.browser import current_page, observe

    context = page.context
    slot = _slot(context)
    for frame in page.frames:  # the page already open: the init script only reaches documents loaded later
        try:
            frame.evaluate(RECORDER_JS)
        except Exception as exc:  # a frame mid-navigation gets the init script instead
            log.debug("recorder not injected into %s: %s", frame.url, exc)
    recorder = EventRecorder(started=time.time(), secrets=dict(secrets or {}))
    seen = _Observations()

    def snapshot() -> None:
        key = len(recorder.events)
        try:
            seen.by_key[key] = observe(current_page(context), screenshot=True)
        except Exception as exc:  # mid-navigation: the next quiet moment takes it
            log.debug("takeover snapshot after %d events failed: %s", key, exc)

    quiet = {"count": 0, "since": time.time()}

    def tick() -> None:
        count = len(recorder.events)
        if count != quiet["count"]:
            quiet["count"], quiet["since"] = count, time.time()
        elif count not in seen.by_key and time.time() - quiet["since"] >= QUIET_S:
            snapshot()

    snapshot()
    slot.recorder = recorder
    try:
        hand_over(page, tick)
        time.sleep(QUIET_S)  # the last events report in
        try:
            current_page(context).wait_for_timeout(100)
        except Exception as exc:
            log.debug("takeover: last wait failed: %s", exc)
        snapshot()
    finally:
        slot.recorder = None
    return _steps(recorder, seen), current_page(context)


def _steps(recorder: EventRecorder, seen: _Observations) -> list[TakenStep]:
    merged = merge_events(recorder.events)
    end = len(recorder.events)
    steps = []
    for i, item in enumerate(merged):
        before = _latest(seen, item.first_seq)
        after = _latest(seen, merged[i + 1].first_seq if i + 1 < len(merged) else end + 1)
        action = to_action(item.action, before)
        if before is None or after is None or action is None:
            log.warning("takeover: could not turn %s into a step", item.action.describe())
            continue
        steps.append(TakenStep(before, action, after))
    return steps


def _latest(seen: _Observations, seq: int) -> Observation | None:
    keys = [k for k in seen.by_key if k <= seq]
    return seen.by_key[max(keys)] if keys else None


def to_action(demo: DemoAction, before: Observation | None) -> Action | None:
    """The eclair Action for a recorded action on the page `before` showed; None when its element is unknown."""
    element = _element_id(demo, before)
    kind = demo.kind
    if kind in ("click", "type", "select", "check", "upload") and element is None:
        return None
    if kind == "click":
        return Action(kind="click", element=element)
    if kind == "type":
        return Action(kind="type", element=element, text=demo.text or "") if demo.text else None
    if kind == "select":
        return Action(kind="select", element=element, text=demo.text) if demo.text else None
    if kind == "check":
        return Action(kind="check", element=element, checked=demo.checked is not False)
    if kind == "press":
        return Action(kind="press", key=demo.key or "Enter", element=element)
    if kind == "goto":
        return Action(kind="goto", url=demo.url) if demo.url else None
    if kind == "scroll":
        vertical = abs(demo.dy) >= abs(demo.dx)
        amount = int(abs(demo.dy if vertical else demo.dx)) or 600
        direction = ("down" if demo.dy >= 0 else "up") if vertical else ("right" if demo.dx >= 0 else "left")
        return Action(kind="scroll", direction=direction, amount=amount)
    return None


def _element_id(demo: DemoAction, before: Observation | None) -> str | None:
    target = demo.target
    if target is None or before is None:
        return None
    if target.eclair_id and before.element(target.eclair_id) is not None:
        return target.eclair_id
    same = [e for e in before.elements if e.role == target.role and e.name == target.name and target.name]
    return same[0].id if len(same) == 1 else (target.eclair_id or None)
