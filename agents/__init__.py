"""Policies that plug into the runner. The runner receives one; it never imports a concrete agent."""

from __future__ import annotations

from typing import Any

from eclair.errors import EclairError
from eclair.models.base import Backend
from eclair.types import Agent

AGENTS = ("scoring", "eclair")


class UnknownAgent(EclairError):
    pass


def make_agent(name: str, backend: Backend, **options: Any) -> Agent:
    """Build an agent by name: `scoring` (small local models) or `eclair` (JSON generation, large models)."""
    if name == "scoring":
        from agents.scoring_agent import ScoringAgent

        return ScoringAgent(backend, **options)
    if name == "eclair":
        from agents.eclair_agent import EclairAgent

        return EclairAgent(backend, **options)
    raise UnknownAgent(f"unknown agent {name!r}; choose one of {', '.join(AGENTS)}")
