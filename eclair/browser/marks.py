"""Set-of-Marks: draw each element's box and id on the screenshot with OpenCV."""

from __future__ import annotations

import cv2
import numpy as np

from eclair.browser.render import TEXT_ROLES
from eclair.types import Element

_PALETTE = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240)]


def draw_set_of_marks(png: bytes, elements: list[Element], *, interactive_only: bool = True) -> bytes:
    """Return a PNG with a coloured box and an id tag per (interactive) element that lies in the image."""
    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("draw_set_of_marks: the screenshot is not a decodable image")
    height, width = image.shape[:2]
    font = cv2.FONT_HERSHEY_SIMPLEX
    for n, element in enumerate(elements):
        if interactive_only and element.role in TEXT_ROLES:
            continue
        x, y, w, h = (round(v) for v in element.bbox)
        if w <= 0 or h <= 0 or x >= width or y >= height or x + w <= 0 or y + h <= 0:
            continue  # off-screen: nothing to mark in a viewport screenshot
        r, g, b = _PALETTE[n % len(_PALETTE)]
        colour = (b, g, r)
        cv2.rectangle(image, (x, y), (x + w, y + h), colour, 2)
        label = element.id
        (tw, th), base = cv2.getTextSize(label, font, 0.45, 1)
        tx, ty = max(0, x), max(th + base, y)
        cv2.rectangle(image, (tx, ty - th - base), (tx + tw + 4, ty), colour, -1)
        cv2.putText(image, label, (tx + 2, ty - base), font, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("draw_set_of_marks: PNG encoding failed")
    return encoded.tobytes()
