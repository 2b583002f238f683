"""The scoring agent's features: every signal it ranks candidates by, named and documented, in one list.

A candidate's score is the weighted sum of its feature values (`weights.py`; the weights are data). Zeroing a
weight switches a feature off; `eclair bench ablate` does that for each in turn.
"""

from __future__ import annotations

from agents.scoring_agent.features.base import Feature, StepContext, feature_of
from agents.scoring_agent.features.general import (
    form_completion,
    label_value_fit,
    no_progress,
    novelty,
    pmi,
    task_similarity,
)
from agents.scoring_agent.features.rules import RULE_FEATURES
from eclair.types import Candidate

MODEL_FEATURE = "pmi"

FEATURES: list[Feature] = [
    feature_of(pmi),
    feature_of(task_similarity),
    feature_of(label_value_fit),
    feature_of(novelty),
    feature_of(no_progress),
    feature_of(form_completion),
    *RULE_FEATURES,
]
FEATURE_NAMES = [f.name for f in FEATURES]


def feature_vector(cand: Candidate, ctx: StepContext, names: set[str] | None = None) -> dict[str, float]:
    """The candidate's non-zero feature values (only the `names` given, when given)."""
    out: dict[str, float] = {}
    for feat in FEATURES:
        if names is not None and feat.name not in names:
            continue
        value = feat.value(cand, ctx)
        if value:
            out[feat.name] = round(value, 4)
    return out


__all__ = ["FEATURES", "FEATURE_NAMES", "MODEL_FEATURE", "Feature", "StepContext", "feature_vector"]
