"""Finding an action's target: by stamped id, else by the role+name it had, else by its last bbox."""

from __future__ import annotations

import re

from playwright.sync_api import Frame, Locator, Page

from eclair.browser.state import page_state
from eclair.types import Element

ID_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]+$")
NON_ARIA_ROLES = {"clickable", "text", "label", "term", "definition"}


class ActionFailed(Exception):
    """A page-level failure with a reason the agent can act on (never escapes act)."""

    def __init__(self, reason: str, located_by: str = "none") -> None:
        super().__init__(reason)
        self.located_by = located_by


class Target:
    """Where an element-level action goes: a locator, or (last resort) a point on the page."""

    def __init__(self, locator: Locator | None, located_by: str, element: Element | None) -> None:
        self.locator = locator
        self.located_by = located_by
        self.element = element

    def centre(self) -> tuple[float, float]:
        assert self.element is not None
        x, y, w, h = self.element.bbox
        return x + w / 2, y + h / 2


def locate(page: Page, element_id: str, *, main_frame_count: int | None = None) -> Target:
    """Find element `element_id`: by its stamped id, else by the role+name it had, else its last bbox.

    `main_frame_count` is the id's match count in the main frame when the caller already knows it.
    """
    if not ID_PATTERN.match(element_id):
        raise ActionFailed(f"{element_id!r} is not an element id; use a number shown in [brackets]")
    ps = page_state(page)
    cached = ps.elements.get(element_id)
    selector = f'[data-eclair-id="{element_id}"]'
    label = ps.frame_of.get(element_id, "")
    frames = [_frame_by_label(page, label), *(f for f in page.frames if f is not _frame_by_label(page, label))]
    for frame in frames:
        loc = frame.locator(selector)
        known = main_frame_count is not None and frame is page.main_frame
        count = main_frame_count if known and main_frame_count is not None else loc.count()
        if count == 1:
            return Target(loc, "id", cached)
        if count > 1:
            return Target(loc.filter(visible=True).first, "id", cached)
    if cached is not None and cached.name and cached.role:
        frame = _frame_by_label(page, label)
        if cached.role in NON_ARIA_ROLES:  # our own labels ("clickable", text lines): match the text instead
            by_role = frame.get_by_text(cached.name, exact=True)
        else:
            by_role = frame.get_by_role(cached.role, name=cached.name, exact=True)  # type: ignore[arg-type]
        if by_role.count() >= 1:
            return Target(by_role.first, "role", cached)
    if cached is not None and cached.bbox[2] > 0 and cached.bbox[3] > 0:
        return Target(None, "bbox", cached)
    raise ActionFailed(f"no element [{element_id}] on this page; observe again and use an id from the new list")


def _frame_by_label(page: Page, label: str) -> Frame:
    if label:
        for frame in page.frames:
            if frame.name == label or frame.url == label:
                return frame
    return page.main_frame
