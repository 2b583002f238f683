"""Scanners for the secret-leak bench: does a secret, in any spelling, survive in an artifact?

Text artifacts are searched for every encoded form of the value (plain, URL-quoted, JSON- and HTML-escaped,
base64). Images are searched without OCR: the secret is rendered in the demo pages' font by the same Chromium
and looked for by normalised template matching (OpenCV); the bench proves the detector on an unmasked
screenshot of the same page before trusting a "clean" answer.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eclair.bench.security_pages import FONT_CSS
from eclair.security.masking import encoded_forms

MATCH_THRESHOLD = 0.7  # a random other string scores < 0.5; the secret >= 0.8 even in a scaled JPEG frame


def text_forms(secret: str) -> list[str]:
    return encoded_forms(secret) or [secret]


def _pattern(forms: list[str]) -> re.Pattern[str]:
    parts = [rf"(?<![0-9]){re.escape(f)}(?![0-9])" if f.isdigit() else re.escape(f) for f in forms]
    return re.compile("|".join(parts))


def leaks_in_text(text: str, secret: str) -> bool:
    return bool(_pattern(text_forms(secret)).search(text))


def leaks_in_bytes(data: bytes, secret: str) -> bool:
    return leaks_in_text(data.decode("utf-8", "replace"), secret) or leaks_in_text(data.decode("latin-1"), secret)


def leaking_files(paths: Iterable[Path], secret: str) -> list[str]:
    return [
        p.name
        for p in paths
        if p.is_file() and (leaks_in_text(p.name, secret) or leaks_in_bytes(p.read_bytes(), secret))
    ]


def leaking_db(db_path: Path, secret: str) -> list[str]:
    """Every row of every table, read through SQLite, and the raw bytes of the database and its WAL (a freed page
    may still hold an old value)."""
    found: list[str] = []
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            for row in conn.execute(f'select * from "{table}"'):
                if any(isinstance(v, str | bytes) and leaks_in_text(str(v), secret) for v in row):
                    found.append(f"row in {table}")
                    break
    for raw in (db_path, db_path.with_name(db_path.name + "-wal")):
        if raw.exists() and leaks_in_bytes(raw.read_bytes(), secret):
            found.append(f"bytes of {raw.name}")
    return found


class TextFinder:
    """Finds a string drawn on screen in the demo pages' font, by template matching a rendering of it."""

    def __init__(self, page: Any, viewport_width: int) -> None:
        self.page = page  # a scratch page of the bench's browser
        self.viewport_width = viewport_width  # screencast frames are this viewport scaled down
        self._templates: dict[str, np.ndarray] = {}

    def template(self, secret: str) -> np.ndarray:
        if secret not in self._templates:
            self.page.set_content(f"<style>{FONT_CSS}</style><span id='s' style='padding:0'>{secret}</span>")
            png = self.page.locator("#s").screenshot()
            image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
            self._templates[secret] = image
        return self._templates[secret]

    def score(self, image_bytes: bytes, secret: str) -> float:
        """The best match at the viewport's scale and, for a smaller image (a screencast frame), at its scale."""
        image = cv2.imdecode(np.frombuffer(image_bytes, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            return 0.0
        template = self.template(secret)
        scales = {1.0, round(image.shape[1] / self.viewport_width, 4)}
        best = 0.0
        for scale in scales:
            sized = (
                template
                if scale == 1.0
                else cv2.resize(template, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            )
            if image.shape[0] < sized.shape[0] or image.shape[1] < sized.shape[1] or min(sized.shape) < 4:
                continue
            best = max(best, float(cv2.minMaxLoc(cv2.matchTemplate(image, sized, cv2.TM_CCOEFF_NORMED))[1]))
        return best

    def shows(self, image_bytes: bytes, secret: str) -> bool:
        return self.score(image_bytes, secret) >= MATCH_THRESHOLD


def leaking_trace(path: Path, secret: str, finder: TextFinder) -> list[str]:
    """Entries of trace.zip holding the secret as text, or showing it in an image (screencast frames)."""
    if not path.exists():
        return []
    found: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith((".jpeg", ".jpg", ".png")):
                if finder.shows(data, secret):
                    found.append(name)
            elif leaks_in_bytes(data, secret):
                found.append(name)
    return found
