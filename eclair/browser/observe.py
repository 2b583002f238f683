"""observe(page): stamp stable ids in every frame and render what the agent sees."""

from __future__ import annotations

import json
import logging
import secrets
from functools import cache
from importlib import resources
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from eclair.browser.render import render_text
from eclair.browser.state import context_state, page_state
from eclair.types import Element, Observation

log = logging.getLogger(__name__)

DEFAULT_TOKEN_BUDGET = 1500


# The snapshot function stays in each document under a name a page cannot guess beforehand (and, being
# read-only once defined, cannot replace): later calls send a short call instead of 18 KB of source to compile.
_INSTALLED = f"__eclairSnapshot{secrets.token_hex(6)}"
INSTALLED_SNAPSHOT_JS = f"(args) => window.{_INSTALLED} ? window.{_INSTALLED}(args) : null"


@cache
def snapshot_script() -> str:
    """The snapshot function, returning its result as one JSON string (Playwright moves a string ~3× faster
    than the same data as a structured value), and installing itself for INSTALLED_SNAPSHOT_JS."""
    source = resources.files("eclair.browser").joinpath("snapshot.js").read_text()
    body = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))
    return (
        f"(args) => {{ const snap = ({body.strip()}); const run = (a) => JSON.stringify(snap(a));"
        f" try {{ Object.defineProperty(window, '{_INSTALLED}', {{ value: run }}); }} catch (e) {{ /* defined */ }}"
        " return run(args); }"
    )


def observe(
    page: Page,
    *,
    screenshot: bool = True,
    token_budget: int = DEFAULT_TOKEN_BUDGET,
    main_snapshot: str | None = None,
) -> Observation:
    """Stamp `data-eclair-id` on visible interactive/text elements in all frames and return an Observation.

    Ids are stable: an element keeps its id across observations of the same document. `main_snapshot`: the main
    frame's snapshot (`snapshot_script()` or `INSTALLED_SNAPSHOT_JS` on MAIN_FRAME_ARGS) when the caller has just
    taken it.
    """
    ps = page_state(page)
    cstate = context_state(page.context)
    if main_snapshot is not None:
        raw = json.loads(main_snapshot)
    else:
        raw = _snapshot_frame(page.main_frame, prefix="", offset=(0.0, 0.0), label="")
    items: list[dict[str, Any]] = list(raw.get("elements", []))
    focused = raw.get("focused")
    for index, child in enumerate(raw.get("crossOrigin", []), start=1):
        frame = _find_frame(page, child.get("name", ""), child.get("src", ""))
        if frame is None:
            continue
        label = frame.name or frame.url
        sub = _snapshot_frame(frame, prefix=f"f{index}.", offset=(child["x"], child["y"]), label=label)
        items.extend(sub.get("elements", []))
        focused = focused or sub.get("focused")
    elements = [_to_element(item) for item in items]
    ps.elements = {e.id: e for e in elements}
    ps.frame_of = {e.id: e.frame for e in elements if e.frame}
    extra = {e.id: item for e, item in zip(elements, items, strict=True)}
    text = render_text(elements, extra, token_budget=token_budget)
    png = capture(page) if screenshot else None
    title = str(raw.get("title") or "") if "title" in raw else _safe_title(page)
    dialogs = cstate.unseen_dialogs[:]
    cstate.unseen_dialogs.clear()
    obs = Observation(
        url=page.url,
        title=title,
        elements=elements,
        text=text,
        screenshot=png,
        tabs=[(title if p is page else _safe_title(p)) or p.url for p in page.context.pages if not p.is_closed()],
        focused=focused,
        dialog=" | ".join(dialogs) or None,
    )
    return cstate.observation_filter(obs) if cstate.observation_filter else obs


def capture(page: Page) -> bytes | None:
    """A PNG of the viewport, or None when the page cannot be captured (closed, mid-navigation).

    The capture costs ~35 ms, ten times the text snapshot; the runner takes it while the model decides."""
    if page.is_closed():
        return None
    guard = context_state(page.context).capture_guard
    try:
        if guard is not None:
            return guard(page, lambda: page.screenshot(type="png"))
        return page.screenshot(type="png")
    except PlaywrightError as exc:  # a page mid-navigation; the text observation still stands
        log.warning("screenshot failed: %s", exc)
        return None


def _snapshot_frame(frame: Frame, *, prefix: str, offset: tuple[float, float], label: str) -> dict[str, Any]:
    args = _frame_args(prefix, offset, label)
    for attempt in range(3):
        try:
            raw = frame.evaluate(INSTALLED_SNAPSHOT_JS, args)  # null in a document that has not had one yet
            return json.loads(raw if raw is not None else frame.evaluate(snapshot_script(), args))  # type: ignore[no-any-return]
        except PlaywrightError as exc:
            # "Execution context was destroyed": the page navigated under us; wait for it and retry
            log.debug("snapshot retry %d: %s", attempt, exc)
            try:
                frame.wait_for_load_state("domcontentloaded", timeout=5_000)
            except PlaywrightError:
                pass
    return {"elements": []}


def _frame_args(prefix: str, offset: tuple[float, float], label: str) -> dict[str, object]:
    return {"prefix": prefix, "offsetX": offset[0], "offsetY": offset[1], "frameLabel": label}


MAIN_FRAME_ARGS = _frame_args("", (0.0, 0.0), "")


def _find_frame(page: Page, name: str, src: str) -> Frame | None:
    for frame in page.frames[1:]:
        if (name and frame.name == name) or (src and frame.url == src):
            return frame
    return None


def _safe_title(page: Page) -> str:
    try:
        return page.title()
    except PlaywrightError:
        return ""


def _to_element(item: dict[str, Any]) -> Element:
    """Trusted data from our own snapshot script: construct without validation (thousands per big page)."""
    value = item.get("value")
    x, y, w, h = (round(float(v), 1) for v in item["bbox"])
    return Element.model_construct(
        id=str(item["id"]),
        role=item.get("role", ""),
        name=item.get("name") or "",
        value=None if value is None else str(value),
        states=set(item.get("states") or ()),
        bbox=(x, y, w, h),
        frame=item.get("frame") or "",
        tag=item.get("tag", ""),
        options=list(item.get("options") or ()),
        placeholder=item.get("placeholder") or "",
        target_url=item.get("target_url") or "",
    )
