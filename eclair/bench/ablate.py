"""`eclair bench ablate`: switch each policy feature off in turn, measure success, and the model's share of decisions.

The agent is reached only through its factory and options (`disabled_features`), never imported: any agent that
exposes `feature_names` and `weights` can be ablated. The model's share is read from the stored feature vectors of
the baseline run: the decisions whose choice would differ without the model feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pydantic import BaseModel, Field

from eclair.bench.harness import SuiteResult
from eclair.types import StepRecord

MODEL_FEATURE = "pmi"


class AblationRow(BaseModel):
    feature: str
    success: float
    delta: float  # success without the feature minus the baseline's
    changed_tasks: list[str] = Field(default_factory=list)  # tasks whose success rate moved


class SuiteAblation(BaseModel):
    suite: str
    episodes: int
    baseline: float
    model_share: float | None  # of the baseline's decisions, the share the model feature decided
    decisions: int
    rows: list[AblationRow] = Field(default_factory=list)


def decided_by(
    steps: Iterable[StepRecord], weights: Mapping[str, float], feature: str = MODEL_FEATURE
) -> tuple[int, int]:
    """(decisions whose best candidate changes when `feature` is zeroed, decisions among 2+ scored candidates)."""
    changed = total = 0
    weight = weights.get(feature, 0.0)
    for step in steps:
        cands = [c for c in step.decision.candidates if c.features]
        if len(cands) < 2:
            continue
        total += 1
        best = max(range(len(cands)), key=lambda i: cands[i].score)
        without = max(range(len(cands)), key=lambda i: cands[i].score - weight * cands[i].features.get(feature, 0.0))
        changed += best != without
    return changed, total


def _rates(result: SuiteResult) -> dict[str, float]:
    return {t.env: t.success_rate for t in result.per_task}


def ablate_suite(
    suite: str,
    features: list[str],
    weights: Mapping[str, float],
    run: Callable[[list[str]], SuiteResult],
    steps_of: Callable[[SuiteResult], list[StepRecord]],
    on_row: Callable[[AblationRow], None] | None = None,
) -> SuiteAblation:
    """Run the suite with every feature on, then once per feature with it off (`run(disabled)`)."""
    base = run([])
    changed, total = decided_by(steps_of(base), weights)
    out = SuiteAblation(
        suite=suite,
        episodes=base.episodes,
        baseline=base.mean_success,
        model_share=changed / total if total else None,
        decisions=total,
    )
    before = _rates(base)
    for name in features:
        result = run([name])
        after = _rates(result)
        moved = sorted(env for env, rate in after.items() if rate != before.get(env))
        row = AblationRow(feature=name, success=result.mean_success, delta=result.mean_success - base.mean_success,
                          changed_tasks=moved)  # fmt: skip
        out.rows.append(row)
        if on_row is not None:
            on_row(row)
    return out


def ablation_table(results: list[SuiteAblation]) -> str:
    """A markdown table: one row per feature, one column of success change per suite."""
    names = list(dict.fromkeys(r.feature for s in results for r in s.rows))
    head = "| feature | " + " | ".join(s.suite for s in results) + " |"
    lines = [head, "|---|" + "---|" * len(results)]
    lines.append("| (all on) | " + " | ".join(f"{s.baseline:.1%}" for s in results) + " |")
    for name in names:
        cells = []
        for s in results:
            row = next((r for r in s.rows if r.feature == name), None)
            cells.append(f"{row.delta:+.1%}" if row else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    share = [f"{s.model_share:.1%} of {s.decisions}" if s.model_share is not None else "-" for s in results]
    lines.append("| model's share of decisions | " + " | ".join(share) + " |")
    return "\n".join(lines) + "\n"
