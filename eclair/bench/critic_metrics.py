"""Precision/recall of critics: "pass" is the positive prediction; "unsure" abstains (costs recall, not precision)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Scores:
    n: int
    positives: int
    predicted_pass: int
    decided: int  # pass or fail (not unsure / not applicable)
    tp: int
    fp: int
    precision: float | None
    recall: float | None
    f1: float | None
    fail_precision: float | None  # of the "fail" verdicts, the share that really failed
    precision_at_recall_80: float | None  # best precision over score thresholds keeping recall ≥ 0.8
    threshold_at_recall_80: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def pr_curve(scores: Sequence[float], truth: Sequence[bool]) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) for every distinct score used as "pass if score ≥ threshold"."""
    positives = sum(truth)
    points = []
    for t in sorted(set(scores), reverse=True):
        picked = [y for s, y in zip(scores, truth, strict=True) if s >= t]
        tp = sum(picked)
        points.append((t, tp / len(picked), tp / positives if positives else 0.0))
    return points


def precision_at_recall(
    scores: Sequence[float], truth: Sequence[bool], min_recall: float = 0.8
) -> tuple[float | None, float | None]:
    """The best precision (and the highest threshold giving it) among thresholds with recall ≥ min_recall."""
    ok = [(p, t) for t, p, r in pr_curve(scores, truth) if r >= min_recall]
    if not ok:
        return None, None
    best = max(p for p, _ in ok)
    return best, max(t for p, t in ok if p == best)


def calibrate_threshold(scores: Sequence[float], truth: Sequence[bool], target_precision: float = 0.95) -> float | None:
    """The lowest threshold whose precision is ≥ target (most recall at that precision); None if none reaches it."""
    ok = [t for t, p, _ in pr_curve(scores, truth) if p >= target_precision]
    return min(ok) if ok else None


def score_labels(labels: Sequence[str | None], scores: Sequence[float], truth: Sequence[bool]) -> Scores:
    """labels: "pass" | "fail" | "unsure" | None (critic not applicable); truth: the step/run really succeeded."""
    tp = sum(1 for lab, y in zip(labels, truth, strict=True) if lab == "pass" and y)
    fp = sum(1 for lab, y in zip(labels, truth, strict=True) if lab == "pass" and not y)
    fails = [y for lab, y in zip(labels, truth, strict=True) if lab == "fail"]
    positives = sum(truth)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, positives)
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else (0.0 if positives else None)
    applicable = [(s, y) for lab, s, y in zip(labels, scores, truth, strict=True) if lab is not None]
    p80, t80 = (
        precision_at_recall([s for s, _ in applicable], [y for _, y in applicable]) if applicable else (None, None)
    )
    return Scores(
        n=len(truth),
        positives=positives,
        predicted_pass=tp + fp,
        decided=sum(1 for lab in labels if lab in {"pass", "fail"}),
        tp=tp,
        fp=fp,
        precision=precision,
        recall=recall,
        f1=f1,
        fail_precision=_ratio(sum(1 for y in fails if not y), len(fails)),
        precision_at_recall_80=p80,
        threshold_at_recall_80=t80,
    )


def plot_pr_curves(curves: dict[str, tuple[Sequence[float], Sequence[bool]]], path: Path, title: str) -> Path:
    """One precision/recall curve per critic (score-threshold sweep) into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=110)
    for name, (scores, truth) in curves.items():
        points = pr_curve(scores, truth)
        if not points:
            continue
        recalls = [r for _, _, r in points]
        precisions = [p for _, p, _ in points]
        ax.plot(recalls, precisions, marker=".", markersize=4, linewidth=1.2, label=name)  # one point per threshold
    ax.axvline(0.8, color="grey", linestyle=":", linewidth=1)
    ax.axhline(0.95, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("recall (share of real successes labelled pass)")
    ax.set_ylabel("precision (share of pass labels that are real)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
