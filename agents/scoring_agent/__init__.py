"""Candidate-action scoring policy for small local models."""

from agents.scoring_agent.agent import ScoringAgent

__all__ = ["ScoringAgent"]
