"""Demo-room fixtures: one DemoServer and one browser page shared by the whole module (keeps the suite fast)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from demos.server import DemoServer

STEP_TIMEOUT_MS = 5000  # a script that cannot find its element should fail fast, not wait 30 s


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="module")
def demo_page(browser: Any) -> Iterator[Any]:
    """One page for many episodes: each env.setup replaces the app's cookies and navigates, so state never leaks."""
    from eclair.browser import new_context

    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    yield page
    context.close()
