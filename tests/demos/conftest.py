"""Demo-room fixtures: one DemoServer for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from demos.server import DemoServer


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server
