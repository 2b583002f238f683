"""Per-context and per-page bookkeeping that Playwright does not keep for us.

Which tab the agent is on, dialogs and downloads seen since the last action, the elements of the last
observation (for the role+name and bbox fallbacks), and in-flight requests (for the network-idle wait).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Dialog, Download, Page, Request

from eclair.types import Element, Observation

log = logging.getLogger(__name__)


@dataclass
class PageState:
    elements: dict[str, Element] = field(default_factory=dict)  # from the last observe, by id
    frame_of: dict[str, str] = field(default_factory=dict)  # element id -> frame label ("" = main)
    inflight: int = 0
    navigations: int = 0  # main-frame navigation requests (a download starts as one)


@dataclass
class ContextState:
    current: Page | None = None
    downloads_dir: Path | None = None
    dialog_policy: str = "accept"  # accept | dismiss | ask
    dialogs: list[str] = field(default_factory=list)  # messages since the last drain
    unseen_dialogs: list[str] = field(default_factory=list)  # messages since the last observe
    downloads: list[Download] = field(default_factory=list)
    new_pages: list[Page] = field(default_factory=list)
    pages: weakref.WeakKeyDictionary[Page, PageState] = field(default_factory=weakref.WeakKeyDictionary)
    # security hooks (set by a run holding secrets): mask every observation, black out every screenshot
    observation_filter: Callable[[Observation], Observation] | None = None
    capture_guard: Callable[[Page, Callable[[], bytes]], bytes] | None = None


_CONTEXTS: weakref.WeakKeyDictionary[BrowserContext, ContextState] = weakref.WeakKeyDictionary()


def context_state(context: BrowserContext) -> ContextState:
    """The state of `context`, installing the event hooks on first use (also for contexts made elsewhere)."""
    state = _CONTEXTS.get(context)
    if state is None:
        state = ContextState()
        _CONTEXTS[context] = state
        context.on("page", lambda page: _on_new_page(state, page, opened_later=True))
        for page in context.pages:
            _on_new_page(state, page, opened_later=False)
    return state


def page_state(page: Page) -> PageState:
    state = context_state(page.context)
    ps = state.pages.get(page)
    if ps is None:
        _on_new_page(state, page, opened_later=False)
        ps = state.pages[page]
    return ps


def _on_new_page(state: ContextState, page: Page, *, opened_later: bool) -> None:
    if page in state.pages:
        return
    ps = PageState()
    state.pages[page] = ps
    page.on("dialog", lambda dialog: _on_dialog(state, dialog))
    page.on("download", lambda download: state.downloads.append(download))
    page.on("request", lambda request: _on_request(ps, page, request))
    page.on("requestfinished", lambda _req: _count(ps, -1))
    page.on("requestfailed", lambda _req: _count(ps, -1))
    page.on("framenavigated", lambda frame: _reset_on_navigation(ps, frame))
    if opened_later:
        # a popup or new tab takes the agent's focus, as it would a person's
        state.new_pages.append(page)
        state.current = page
    elif state.current is None:
        state.current = page


def _on_request(ps: PageState, page: Page, request: Request) -> None:
    _count(ps, +1)
    if request.is_navigation_request() and request.frame == page.main_frame:
        ps.navigations += 1


def _count(ps: PageState, delta: int) -> None:
    ps.inflight = max(0, ps.inflight + delta)


def _reset_on_navigation(ps: PageState, frame: Any) -> None:
    if frame.parent_frame is None:
        ps.inflight = 0


def _on_dialog(state: ContextState, dialog: Dialog) -> None:
    message = f"{dialog.type}: {dialog.message}"
    state.dialogs.append(message)
    state.unseen_dialogs.append(message)
    try:
        # "ask" cannot keep the page blocked: dismiss, and the ActionResult carries the message to a person
        if state.dialog_policy == "accept":
            dialog.accept()
        else:
            dialog.dismiss()
    except Exception as exc:  # the page may have closed meanwhile
        log.debug("dialog already handled: %s", exc)
