"""SOP-guided plan-and-ground agent (ECLAIR's execute stage)."""

from agents.eclair_agent.agent import EclairAgent

__all__ = ["EclairAgent"]
