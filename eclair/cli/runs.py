"""CLI commands of this room (filled in by the room's issue)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""
