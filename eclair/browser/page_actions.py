"""The page-level action kinds: scroll, wait, goto and tab. Each returns how it found its target, or raises
ActionFailed with a reason the agent can act on."""

from __future__ import annotations

import logging

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from eclair.browser.launch import goto_with_retry
from eclair.browser.locate import ActionFailed, locate
from eclair.browser.state import context_state
from eclair.types import Action

log = logging.getLogger(__name__)

GOTO_TIMEOUT_MS = 15_000
MAX_WAIT_S = 30.0
ALLOWED_SCHEMES = ("http://", "https://", "file://", "about:", "data:")


# scrolls the element, or its nearest ancestor that can scroll, or else the page
_SCROLL_ELEMENT_JS = """(el, [dx, dy]) => {
  let box = el;
  const canScroll = (n) => {
    const st = getComputedStyle(n);
    const y = dy !== 0 && n.scrollHeight > n.clientHeight && /(auto|scroll)/.test(st.overflowY);
    const x = dx !== 0 && n.scrollWidth > n.clientWidth && /(auto|scroll)/.test(st.overflowX);
    return x || y;
  };
  while (box && box !== document.documentElement && !canScroll(box)) box = box.parentElement || box.getRootNode().host;
  const target = box && box !== document.documentElement ? box : document.scrollingElement;
  const b = [target.scrollLeft, target.scrollTop];
  target.scrollBy(dx, dy);
  return b[0] !== target.scrollLeft || b[1] !== target.scrollTop;
}"""

_SCROLL_PAGE_JS = (
    "([dx, dy]) => { const b = [scrollX, scrollY]; scrollBy(dx, dy); return b[0] !== scrollX || b[1] !== scrollY; }"
)


def scroll(page: Page, action: Action) -> str:
    dx, dy = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}[action.direction]
    delta = [dx * action.amount, dy * action.amount]
    if action.element:
        target = locate(page, action.element)
        if target.locator is None:
            raise ActionFailed(f"element [{action.element}] is gone; observe again", located_by="bbox")
        moved = target.locator.evaluate(_SCROLL_ELEMENT_JS, delta)
        located_by = target.located_by
    else:
        moved = page.evaluate(_SCROLL_PAGE_JS, delta)
        located_by = "page"
    if not moved:
        raise ActionFailed(f"scroll {action.direction}: already at the end, nothing moved", located_by=located_by)
    return located_by


def wait(page: Page, action: Action) -> str:
    cap_ms = min(action.seconds or 10.0, MAX_WAIT_S) * 1000
    if action.text:
        try:
            page.get_by_text(action.text).first.wait_for(state="visible", timeout=cap_ms)
        except PlaywrightTimeoutError:
            raise ActionFailed(f"text {action.text!r} did not appear within {cap_ms / 1000:.0f}s") from None
        return "page"
    if action.element:
        target = locate(page, action.element)
        if target.locator is not None:
            target.locator.wait_for(state="visible", timeout=cap_ms)
        return target.located_by
    if action.seconds:
        page.wait_for_timeout(cap_ms)
        return "page"
    try:
        page.wait_for_load_state("networkidle", timeout=cap_ms)
    except PlaywrightTimeoutError:
        log.debug("network never went idle within %.0f ms", cap_ms)
    return "page"


def goto(page: Page, url: str) -> None:
    if not url.startswith(ALLOWED_SCHEMES):
        raise ActionFailed(f"goto {url!r}: only http(s) and file URLs can be opened")
    try:
        response = goto_with_retry(page, url, timeout_ms=GOTO_TIMEOUT_MS)
    except PlaywrightError as exc:
        if "Download is starting" in str(exc):
            return  # the URL is a file: the download handler saves it
        raise
    if response is not None and response.status >= 400:
        raise ActionFailed(f"goto {url}: the server answered HTTP {response.status}", located_by="page")


def tab(page: Page, action: Action) -> None:
    context = page.context
    cstate = context_state(context)
    pages = [p for p in context.pages if not p.is_closed()]
    if action.tab_op == "open":
        new = context.new_page()
        cstate.current = new
        if action.url:
            goto(new, action.url)
        return
    index = action.index if action.index is not None else pages.index(page) if page in pages else len(pages) - 1
    if not 0 <= index < len(pages):
        raise ActionFailed(f"tab {action.tab_op}: no tab {index}; open tabs are 0..{len(pages) - 1}")
    chosen = pages[index]
    if action.tab_op == "switch":
        chosen.bring_to_front()
        cstate.current = chosen
    else:
        chosen.close()
        remaining = [p for p in context.pages if not p.is_closed()]
        cstate.current = remaining[min(index, len(remaining) - 1)] if remaining else context.new_page()
        cstate.new_pages.clear()  # the replacement blank tab is not a popup the action opened
