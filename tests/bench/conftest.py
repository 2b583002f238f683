"""Fixtures for the bench room: one MiniWoB++ server and one real Chromium per test module, a fresh page per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from eclair.bench.miniwob import MiniWoBServer, serve_miniwob
from eclair.browser import new_context, observe, open_browser
from eclair.config import load_settings


@pytest.fixture(scope="module")
def miniwob_server() -> Iterator[MiniWoBServer]:
    with serve_miniwob() as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with open_browser(load_settings()) as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = new_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


def eclair_id_of(page: Any, css: str) -> str:
    """The data-eclair-id that observe() stamped on the element matching `css` (observes first)."""
    observe(page, screenshot=False)
    element_id = page.get_attribute(css, "data-eclair-id")
    assert element_id, f"observe() did not stamp {css}"
    return element_id
