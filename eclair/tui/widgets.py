"""Small widgets shared by the screens: the screenshot pane (image or text fallback) and the approval modal."""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

log = logging.getLogger(__name__)


def _graphics_image_class() -> type | None:
    """textual-image's widget when the terminal can draw pixels (sixel, kitty, half cells); None otherwise."""
    if os.environ.get("ECLAIR_TUI_IMAGES", "auto").lower() in ("0", "off", "false", "no"):
        return None
    try:
        # Imported before the app starts: textual-image queries the terminal once at import time.
        from textual_image.renderable import Image as BestRenderable
        from textual_image.renderable.unicode import Image as UnicodeRenderable
        from textual_image.widget import Image as ImageWidget
    except Exception as exc:  # a missing or broken optional renderer must not stop the TUI
        log.debug("textual-image unavailable: %s", exc)
        return None
    return None if BestRenderable is UnicodeRenderable else ImageWidget


GRAPHICS_IMAGE = _graphics_image_class()


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG header, without decoding the image."""
    try:
        with path.open("rb") as handle:
            head = handle.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


class ScreenshotView(Vertical):
    """The latest screenshot: drawn with textual-image where the terminal can, else a clear text description."""

    def __init__(self, *, id: str | None = None, image_class: type | None = GRAPHICS_IMAGE) -> None:
        super().__init__(id=id)
        self._image_class = image_class  # None: the text fallback
        self.path: Path | None = None

    def compose(self) -> ComposeResult:
        yield Label("Screenshot", classes="pane-title")
        if self._image_class is not None:
            yield self._image_class(id="shot-image")
        yield Static("no screenshot yet", id="shot-text")

    def show(self, path: Path | None, caption: str = "") -> None:
        """Display the PNG at `path` (None clears the pane)."""
        self.path = path
        text = self.query_one("#shot-text", Static)
        if path is None or not path.is_file():
            text.update(f"{caption}\nno screenshot recorded" if caption else "no screenshot recorded")
            return
        if self._image_class is not None:
            self.query_one("#shot-image").image = path  # type: ignore[attr-defined]
            text.update(caption)
            return
        size = png_size(path)
        dims = f"{size[0]}×{size[1]} PNG" if size else "PNG"
        text.update(
            f"{caption}\n{dims}: {path}\n"
            "(this terminal cannot draw images; open the file in an image viewer, "
            "or use a sixel/kitty terminal)"
        )


class ApprovalModal(ModalScreen[bool]):
    """The gate asks before a risky action: show it and wait for approve or deny."""

    CSS_PATH = "widgets.tcss"
    BINDINGS = [
        Binding("y", "approve", "Approve"),
        Binding("n,escape", "deny", "Deny"),
    ]

    def __init__(self, action: str, reason: str = "", url: str = "") -> None:
        super().__init__()
        self.action_text = action
        self.reason = reason
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="approval-box"):
            yield Label("Approval needed", id="approval-title")
            yield Static(f"Action: {self.action_text}", id="approval-action")
            if self.url:
                yield Static(f"Page:   {self.url}")
            if self.reason:
                yield Static(f"Why:    {self.reason}", id="approval-reason")
            with Horizontal(id="approval-buttons"):
                yield Button("Approve (y)", variant="success", id="approve")
                yield Button("Deny (n)", variant="error", id="deny")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "approve")

    def action_approve(self) -> None:
        self.dismiss(True)

    def action_deny(self) -> None:
        self.dismiss(False)
