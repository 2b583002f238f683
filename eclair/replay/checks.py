"""Run a step's checks on the page after it: the expected effect read from the trace, with this run's values."""

from __future__ import annotations

from urllib.parse import urlparse

from eclair.browser import element_line
from eclair.replay.pagetext import compile_pattern, line_texts
from eclair.replay.program import Check, fill
from eclair.types import Observation


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def run_check(check: Check, after: Observation, element_id: str | None, params: dict[str, str]) -> str | None:
    """None when the check passes, else why it failed (one line)."""
    element = after.element(element_id) if element_id else None
    if check.kind == "value":
        expected = fill(check.expected, params)
        if element is None:
            return f"the field is gone; expected value {expected!r}"
        shown = element.value
        if _same(shown, expected) or ("{{" in (expected or "") and shown):  # a secret: masked, so only "not empty"
            return None
        return f"the field holds {shown!r}, expected {expected!r}"
    if check.kind == "checked":
        want = check.expected != "false"
        if element is None:
            return "the checkbox is gone"
        return None if ("checked" in element.states) == want else f"the box is {'un' if want else ''}ticked"
    if check.kind == "url":
        path = urlparse(after.url).path
        return None if compile_pattern(check.expected, params).search(path) else f"the page is {path}"
    texts = [*line_texts(after.text), *(element_line(e).split("] ", 1)[-1] for e in after.elements)]
    patterns = [compile_pattern(p, params) for p in (check.any_of or [check.expected])]
    if any(p.search(t) for p in patterns for t in texts):
        return None
    return "the page does not show " + " or ".join(repr(fill(p, params)) for p in (check.any_of or [check.expected]))


def run_checks(checks: list[Check], after: Observation, element_id: str | None, params: dict[str, str]) -> str | None:
    for check in checks:
        failure = run_check(check, after, element_id, params)
        if failure:
            return failure
    return None
