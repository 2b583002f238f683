"""What changed between two observations: a DOM diff of the elements and a visual diff of the screenshots."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from eclair.types import Element, Observation

log = logging.getLogger(__name__)

PIXEL_DELTA = 24  # grey-level change that counts as a changed pixel; below it is antialiasing/compression noise
MIN_REGION_AREA = 12  # px²; smaller blobs are noise


@dataclass(frozen=True)
class ElementChange:
    before: Element
    after: Element
    fields: tuple[str, ...]  # which of name/value/states/role changed


@dataclass(frozen=True)
class DomDiff:
    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def size(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass(frozen=True)
class VisualDiff:
    changed_ratio: float  # share of pixels that changed, in [0, 1]
    regions: list[tuple[int, int, int, int]]  # x, y, w, h of changed areas, largest first
    comparable: bool = True  # False when a screenshot is missing or unreadable

    @property
    def changed(self) -> bool:
        return self.comparable and self.changed_ratio > 0.0


def _key(e: Element) -> tuple[str, str, str]:
    # fallback identity for elements re-rendered with a new id (same role and name in the same frame)
    return (e.frame, e.role, e.name)


def _changed_fields(a: Element, b: Element) -> tuple[str, ...]:
    out = []
    if a.role != b.role:
        out.append("role")
    if a.name != b.name:
        out.append("name")
    if (a.value or "") != (b.value or ""):
        out.append("value")
    # focus moves are reported through Observation.focused; comparing it here would double count
    if (a.states - {"focused"}) != (b.states - {"focused"}):
        out.append("states")
    return tuple(out)


def dom_diff(before: Observation, after: Observation) -> DomDiff:
    """Elements added, removed or changed, matched by data-eclair-id, then by (frame, role, name)."""
    before_by_id = {e.id: e for e in before.elements}
    after_by_id = {e.id: e for e in after.elements}
    changed: list[ElementChange] = []
    for eid, b in before_by_id.items():
        a = after_by_id.get(eid)
        if a is not None:
            fields = _changed_fields(b, a)
            if fields:
                changed.append(ElementChange(b, a, fields))
    only_before = [e for eid, e in before_by_id.items() if eid not in after_by_id]
    only_after = [e for eid, e in after_by_id.items() if eid not in before_by_id]
    # an element re-rendered under a new id is the same element if role+name match
    after_by_key: dict[tuple[str, str, str], list[Element]] = {}
    for e in only_after:
        after_by_key.setdefault(_key(e), []).append(e)
    removed: list[Element] = []
    for b in only_before:
        twins = after_by_key.get(_key(b))
        if twins:
            a = twins.pop(0)
            fields = _changed_fields(b, a)
            if fields:
                changed.append(ElementChange(b, a, fields))
        else:
            removed.append(b)
    added = [e for group in after_by_key.values() for e in group]
    return DomDiff(added=added, removed=removed, changed=changed)


def _decode(png: bytes | None) -> np.ndarray | None:
    if not png:
        return None
    img = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    if img is None:
        log.warning("screenshot could not be decoded as an image")
    return img


def visual_diff(
    before_png: bytes | None,
    after_png: bytes | None,
    *,
    ignore: list[tuple[float, float, float, float]] | None = None,
    max_regions: int = 8,
) -> VisualDiff:
    """Changed-pixel ratio and bounding boxes of changed regions between two PNG screenshots (OpenCV).

    `ignore` boxes (x, y, w, h in CSS px) are masked out, e.g. the clicked element's own hover/press styling."""
    a, b = _decode(before_png), _decode(after_png)
    if a is None or b is None:
        return VisualDiff(0.0, [], comparable=False)
    if a.shape != b.shape:
        # a resized viewport or a full-page shot of a longer page: everything counts as changed
        return VisualDiff(1.0, [(0, 0, int(b.shape[1]), int(b.shape[0]))])
    delta = cv2.absdiff(a, b)
    _, mask = cv2.threshold(delta, PIXEL_DELTA, 255, cv2.THRESH_BINARY)
    for x, y, w, h in ignore or []:
        x0, y0 = max(0, int(x) - 4), max(0, int(y) - 4)
        mask[y0 : max(y0, int(y + h) + 4), x0 : max(x0, int(x + w) + 4)] = 0
    ratio = float(np.count_nonzero(mask)) / float(mask.size)
    if ratio == 0.0:
        return VisualDiff(0.0, [])
    # join nearby changed pixels (a line of text) into one region before boxing them
    merged = cv2.dilate(mask, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(merged, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = [cv2.boundingRect(c) for c in contours]
    boxes = [tuple(int(v) for v in box) for box in boxes if box[2] * box[3] >= MIN_REGION_AREA]
    boxes.sort(key=lambda r: r[2] * r[3], reverse=True)
    return VisualDiff(ratio, boxes[:max_regions])  # type: ignore[arg-type]


def _describe(e: Element) -> str:
    label = f'{e.role} "{e.name}"' if e.name else e.role
    return f"{label} = {e.value!r}" if e.value else label


def describe_changes(before: Observation, after: Observation, *, limit: int = 12) -> str:
    """A short text of what changed, for logs and for model judges (small models read this, not whole pages)."""
    lines: list[str] = []
    if before.url != after.url:
        lines.append(f"URL: {before.url} -> {after.url}")
    if before.title != after.title:
        lines.append(f"title: {before.title!r} -> {after.title!r}")
    diff = dom_diff(before, after)
    for ch in diff.changed[:limit]:
        parts = []
        if "value" in ch.fields:
            parts.append(f"value {ch.before.value or ''!r} -> {ch.after.value or ''!r}")
        if "states" in ch.fields:
            gained = sorted(ch.after.states - ch.before.states - {"focused"})
            lost = sorted(ch.before.states - ch.after.states - {"focused"})
            parts.append(" ".join([*(f"+{s}" for s in gained), *(f"-{s}" for s in lost)]))
        if "name" in ch.fields:
            parts.append(f"text {ch.before.name!r} -> {ch.after.name!r}")
        lines.append(f'changed: {ch.after.role} "{ch.after.name or ch.before.name}" {", ".join(parts)}')
    lines += [f"added: {_describe(e)}" for e in diff.added[:limit]]
    lines += [f"removed: {_describe(e)}" for e in diff.removed[:limit]]
    if before.focused != after.focused and after.focused:
        focused = after.element(after.focused)
        lines.append(f"focus: {_describe(focused) if focused else after.focused}")
    if after.dialog and after.dialog != before.dialog:
        lines.append(f"dialog: {after.dialog!r}")
    return "\n".join(lines) if lines else "nothing changed"
