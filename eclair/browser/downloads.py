"""Saving the downloads an action triggered, under the run's downloads folder."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from playwright.sync_api import Download
from playwright.sync_api import Error as PlaywrightError

log = logging.getLogger(__name__)


def save_downloads(downloads: list[Download], target_dir: Path | None) -> str | None:
    """Save downloads the action triggered; return the last one's path relative to the run's trace dir."""
    saved: str | None = None
    for download in downloads:
        directory = target_dir or Path(tempfile.mkdtemp(prefix="eclair-downloads-"))
        directory.mkdir(parents=True, exist_ok=True)
        path = _free_name(directory, download.suggested_filename or "download")
        try:
            download.save_as(path)
        except PlaywrightError as exc:
            log.warning("download %s failed: %s", download.url, exc)
            continue
        saved = f"{directory.name}/{path.name}" if target_dir else str(path)
    return saved


def _free_name(directory: Path, name: str) -> Path:
    path = directory / Path(name).name
    n = 1
    while path.exists():
        path = directory / f"{Path(name).stem}-{n}{Path(name).suffix}"
        n += 1
    return path
