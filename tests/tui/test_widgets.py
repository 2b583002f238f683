"""The screenshot pane draws pixels with textual-image when it can and says where the PNG is when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual_image.widget import HalfcellImage

from eclair.tui.widgets import ScreenshotView, png_size
from tests.tui.conftest import png

pytestmark = pytest.mark.asyncio


class ShotApp(App[None]):
    def __init__(self, image_class: type | None) -> None:
        super().__init__()
        self.image_class = image_class

    def compose(self) -> ComposeResult:
        yield ScreenshotView(id="shot", image_class=self.image_class)


async def test_text_fallback_names_the_file_and_its_size(tmp_path: Path) -> None:
    shot = tmp_path / "step-000.png"
    shot.write_bytes(png("hello"))
    assert png_size(shot) == (320, 200)
    app = ShotApp(None)
    async with app.run_test(size=(80, 20)) as pilot:
        app.query_one(ScreenshotView).show(shot, "step 0")
        await pilot.pause()
        text = str(app.query_one("#shot-text", Static).render())
        assert "320×200 PNG" in text and "step-000.png" in text and "image viewer" in text
        app.query_one(ScreenshotView).show(tmp_path / "missing.png", "step 1")
        await pilot.pause()
        assert "no screenshot recorded" in str(app.query_one("#shot-text", Static).render())


async def test_graphics_terminal_draws_the_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "step-000.png"
    shot.write_bytes(png("hello", color=(0, 0, 255)))
    app = ShotApp(HalfcellImage)
    async with app.run_test(size=(80, 20)) as pilot:
        app.query_one(ScreenshotView).show(shot, "step 0")
        await pilot.pause()
        image = app.query_one("#shot-image", HalfcellImage)
        assert image.image == shot
        lines = image.render_lines(image.region.reset_offset)  # real cells, coloured from the PNG's pixels
        colours = {seg.style.bgcolor.triplet for line in lines for seg in line if seg.style and seg.style.bgcolor}
        assert any(c is not None and c.red > 200 and c.blue < 60 for c in colours)  # BGR (0,0,255) is red
