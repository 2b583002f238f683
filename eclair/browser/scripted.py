"""A plain Playwright loop over known steps, checking each one: what a careful hand-written script does.

The replay benchmark times it against compiled replay of the same workflow (`eclair bench replay`): locate by
role and accessible name, act, then check the field's value or wait for the expected URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

NON_ARIA = {"clickable", "text", "label", "term", "definition", "cell"}


@dataclass
class ScriptedStep:
    kind: str  # click | type | select | check | press | goto | upload
    role: str = ""
    name: str = ""
    nth: int = 0
    frame: str = ""
    value: str | None = None
    checked: bool = True
    key: str | None = None
    url: str | None = None
    files: list[str] = field(default_factory=list)
    expect_value: str | None = None
    expect_path: str | None = None  # a regex over the URL path


def _root(page: Any, frame: str) -> Any:
    if not frame:
        return page
    found = page.frame(name=frame) or page.frame(url=frame)
    if found is None:
        raise AssertionError(f"no frame {frame!r}")
    return found


def _locator(page: Any, step: ScriptedStep) -> Any:
    root = _root(page, step.frame)
    if step.role in NON_ARIA:
        return root.get_by_text(step.name, exact=True).nth(step.nth)
    return root.get_by_role(step.role, name=step.name, exact=True).nth(step.nth)


def run_scripted_steps(page: Any, steps: list[ScriptedStep], *, timeout_ms: float = 10_000) -> None:
    """Do each step and check it; raises AssertionError (or Playwright's error) at the first that fails."""
    for step in steps:
        target = _locator(page, step) if step.role else None
        if step.kind == "goto":
            page.goto(step.url or "")
        elif step.kind == "type":
            target.fill(step.value or "")
        elif step.kind == "select":
            target.select_option(label=step.value or "")
        elif step.kind == "check":
            target.set_checked(step.checked)
        elif step.kind == "press":
            (target.press if target is not None else page.keyboard.press)(step.key or "Enter")
        elif step.kind == "upload":
            target.set_input_files(step.files)
        else:
            target.click()
        if step.expect_value is not None:
            shown = target.evaluate(
                "e => e.tagName === 'SELECT' ? (e.options[e.selectedIndex] || {}).text || '' : e.value"
            )
            if shown.strip().lower() != step.expect_value.strip().lower():
                raise AssertionError(f"{step.name}: holds {shown!r}, expected {step.expect_value!r}")
        if step.expect_path:
            pattern = re.compile(step.expect_path)
            page.wait_for_url(lambda url, p=pattern: p.search(urlparse(url).path) is not None, timeout=timeout_ms)
