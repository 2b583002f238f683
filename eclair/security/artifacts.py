"""Masking the files a run leaves: screenshots (black boxes, OpenCV), trace.zip (rewritten), downloads (renamed).

Screenshots: the page tells where a secret is drawn (fields whose value holds one, password fields, text ranges
equal to one, in every same-origin frame); those boxes are painted black before the PNG is kept anywhere.
trace.zip: every text entry (actions, DOM snapshots, network log and bodies) is masked and the zip rewritten;
the runner records no screencast frames while a run holds secrets, since a JPEG cannot be scrubbed reliably.
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eclair.security.masking import Masker

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]  # x, y, w, h in CSS px of the viewport
PAD_PX = 3

# Returns boxes (viewport CSS px of this frame) of fields holding a secret, password fields, and text showing one.
_SECRET_BOXES_JS = """
(secrets) => {
  const boxes = [];
  const push = (r) => { if (r.width > 0 && r.height > 0) boxes.push([r.x, r.y, r.width, r.height]); };
  const holds = (s) => !!s && secrets.some((v) => s.includes(v));
  for (const el of document.querySelectorAll('input, textarea, select, [contenteditable]')) {
    const value = el.isContentEditable ? el.innerText : el.value;
    if ((el.type === 'password' && el.value) || holds(value)) push(el.getBoundingClientRect());
  }
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  const marked = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue || '';
    for (const v of secrets) {
      for (let at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + v.length);
        for (const r of range.getClientRects()) push(r);
        if (node.parentElement) marked.add(node.parentElement);
      }
    }
  }
  // a value split over several elements (<b>ab</b>cd): black out the deepest element whose text holds it
  const all = document.body ? document.body.querySelectorAll('*') : [];
  for (const el of all) {
    if (marked.has(el) || !holds(el.innerText)) continue;
    if ([...el.children].some((c) => holds(c.innerText))) continue;
    push(el.getBoundingClientRect());
  }
  return boxes;
}
"""


def secret_boxes(page: Any, masker: Masker) -> list[Box] | None:
    """Boxes of the viewport (CSS px) where a secret is, or may be, drawn; same-origin frames included.
    None when the main frame could not be asked (mid-navigation): the caller must assume the worst."""
    values = masker.raw_values() + [form for form in masker.values() if form not in masker.raw_values()]
    boxes: list[Box] = []
    for frame in page.frames:
        try:
            offset = (0.0, 0.0)
            if frame is not page.main_frame:
                owner = frame.frame_element().bounding_box()
                if owner is None:
                    continue
                offset = (owner["x"], owner["y"])
            found = frame.evaluate(_SECRET_BOXES_JS, values)
        except Exception as exc:  # a detached or navigating frame: the next capture sees it again
            log.debug("secret boxes: frame skipped (%s)", type(exc).__name__)
            if frame is page.main_frame:
                return None
            continue
        boxes.extend((x + offset[0], y + offset[1], w, h) for x, y, w, h in found)
    return boxes


def black_out(png: bytes, boxes: list[Box], *, viewport_width: float | None = None) -> bytes:
    """The PNG with every box filled black (boxes in CSS px; scaled to the image's pixels)."""
    if not boxes:
        return png
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("not a PNG image")
    scale = image.shape[1] / viewport_width if viewport_width else 1.0
    for x, y, w, h in boxes:
        x0, y0 = int((x - PAD_PX) * scale), int((y - PAD_PX) * scale)
        x1, y1 = int((x + w + PAD_PX) * scale), int((y + h + PAD_PX) * scale)
        cv2.rectangle(image, (max(0, x0), max(0, y0)), (max(0, x1), max(0, y1)), (0, 0, 0), thickness=-1)
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("could not encode the masked screenshot")
    return encoded.tobytes()


def screenshot_guard(masker: Masker) -> Callable[[Any, Callable[[], bytes]], bytes]:
    """A capture wrapper: boxes found just before and just after the shot (a page that moves in between) are
    both blacked out."""

    def guarded(page: Any, shoot: Callable[[], bytes]) -> bytes:
        before = secret_boxes(page, masker)
        png = shoot()
        after = secret_boxes(page, masker)
        width = (page.viewport_size or {}).get("width")  # None: no emulated viewport, CSS px == image px
        if before is None and after is None:  # nobody could say where a secret is: keep nothing readable
            return black_out(png, [(0.0, 0.0, 1e6, 1e6)], viewport_width=width)
        return black_out(png, (before or []) + (after or []), viewport_width=width)

    return guarded


def scrub_trace_zip(path: Path, masker: Masker) -> int:
    """Rewrite `path` with every text entry masked; returns how many entries changed. Binary entries (images,
    fonts) are copied as they are."""
    if not masker.active or not path.exists():
        return 0
    changed = 0
    tmp = path.with_name(path.name + ".scrubbing")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                target.writestr(info, data)
                continue
            masked = masker.text(text)
            changed += masked != text
            target.writestr(info, masked.encode("utf-8"))
    os.replace(tmp, path)
    return changed


def scrub_downloads(folder: Path, masker: Masker) -> int:
    """Rename downloads whose name holds a secret and mask their text content; returns files changed."""
    if not masker.active or not folder.is_dir():
        return 0
    changed = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
            masked_text = masker.text(text)
            if masked_text != text:
                path.write_text(masked_text)
                changed += 1
        except UnicodeDecodeError:
            pass
        name = masker.text(path.name)  # `{{NAME}}`, as the step record names it
        if name != path.name:
            path.rename(path.with_name(name))
            changed += 1
    return changed
