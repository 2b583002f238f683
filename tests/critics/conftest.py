"""A real Chromium and a tiny page server for the critics' before/after tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from eclair.config import Settings

SITE = "http://critics.test"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from eclair.browser import open_browser

    with open_browser(Settings(headless=True)) as b:
        yield b


@pytest.fixture
def page_with(browser: Any) -> Iterator[Callable[[str], Any]]:
    """page_with(html) opens a fresh tab at SITE/ showing `html`; other SITE paths serve a small 'Saved' page."""
    from eclair.browser import new_context

    context = new_context(browser, viewport=(800, 600))
    pages: dict[str, str] = {}

    def serve(route: Any) -> None:
        path = "/" + route.request.url.removeprefix(SITE).lstrip("/")
        body = pages.get(path.split("?")[0], "<h1>Saved</h1><p>Ticket saved successfully.</p>")
        route.fulfill(status=200, content_type="text/html", body=body)

    context.route(f"{SITE}/**", serve)

    def open_page(html: str, **extra: str) -> Any:
        pages["/"] = f"<!doctype html><html><head><title>t</title></head><body>{html}</body></html>"
        pages.update(extra)
        page = context.new_page()
        page.goto(f"{SITE}/")
        return page

    yield open_page
    context.close()
