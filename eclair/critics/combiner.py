"""The task label learned from labelled runs: logistic regression on each critic's verdict, two thresholds.

Each critic gives one feature: its score minus 0.5 when it decided (pass/fail), 0 when it was unsure or did not
run. The fitted probability is `pass` at or above `pass_at` (the lowest threshold reaching the target precision on
the training runs), `fail` at or below `fail_at`, and `unsure` between: those runs go to the review queue.
Weights live in a JSON file with their provenance (`eclair bench critic --fit-combiner` writes it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eclair.critics.base import REFERENCE_CRITICS
from eclair.types import Verdict

WEIGHTS_FILE = Path(__file__).with_name("data") / "task_combiner.json"
L2 = 1.0  # ridge penalty: few runs per family, many correlated critics


def features(verdicts: Sequence[Verdict], critics: Sequence[str]) -> list[float]:
    by_name = {v.critic: v for v in verdicts if v.critic not in REFERENCE_CRITICS}
    out = []
    for name in critics:
        v = by_name.get(name)
        out.append(0.0 if v is None or v.label == "unsure" else float(v.score) - 0.5)
    return out


def _fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """Newton's method (IRLS) with an L2 penalty on the weights (not the bias)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(len(w))
        delta = np.linalg.solve(hess, grad)
        w -= delta
        if float(np.max(np.abs(delta))) < 1e-8:
            break
    return w[:-1], float(w[-1])


def _thresholds(p: np.ndarray, y: np.ndarray, target: float, fail_target: float) -> tuple[float, float]:
    """(lowest p whose pass set reaches `target` precision, highest p whose fail set is ≥ `fail_target` failures)."""
    pass_at, fail_at = 1.01, -0.01
    for t in sorted(set(p.tolist())):
        picked = y[p >= t]
        if len(picked) and picked.mean() >= target:
            pass_at = t
            break
    for t in sorted(set(p.tolist()), reverse=True):
        below = y[p <= t]
        if len(below) and 1.0 - below.mean() >= fail_target and t < pass_at:
            fail_at = t
            break
    return pass_at, fail_at


@dataclass
class LearnedCombiner:
    critics: list[str]
    weights: list[float]
    bias: float
    pass_at: float
    fail_at: float
    provenance: dict[str, Any] = field(default_factory=dict)

    def probability(self, verdicts: Sequence[Verdict]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features(verdicts, self.critics), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def label(self, verdicts: Sequence[Verdict]) -> Verdict:
        p = self.probability(verdicts)
        label = "pass" if p >= self.pass_at else "fail" if p <= self.fail_at else "unsure"
        mine = {v.critic: v for v in verdicts}
        xs = features(verdicts, self.critics)
        pull = sorted(
            ((w * x, name) for w, x, name in zip(self.weights, xs, self.critics, strict=True)), reverse=label == "pass"
        )
        lead = next((name for contribution, name in pull if contribution != 0.0 and name in mine), None)
        why = f"; {lead}: {mine[lead].reason}" if lead else ""
        reason = f"learned combination p={p:.2f} (pass ≥ {self.pass_at:.2f}, fail ≤ {self.fail_at:.2f}){why}"
        return Verdict(label=label, score=round(p, 3), reason=reason[:300], critic="combined")  # type: ignore[arg-type]

    def save(self, path: Path = WEIGHTS_FILE) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")
        return path


def fit_combiner(
    rows: Sequence[Sequence[Verdict]],
    truth: Sequence[bool],
    critics: Sequence[str],
    *,
    target_precision: float = 0.95,
    fail_precision: float = 0.9,
    provenance: dict[str, Any] | None = None,
) -> LearnedCombiner:
    """Fit weights and the two thresholds on labelled runs (each a list of the critics' task verdicts)."""
    x = np.array([features(r, critics) for r in rows], dtype=float).reshape(len(rows), len(critics))
    y = np.array([1.0 if t else 0.0 for t in truth])
    weights, bias = _fit_logistic(x, y)
    p = 1.0 / (1.0 + np.exp(-(x @ weights + bias)))
    pass_at, fail_at = _thresholds(p, y, target_precision, fail_precision)
    return LearnedCombiner(
        list(critics),
        [round(float(w), 4) for w in weights],
        round(bias, 4),
        round(pass_at, 4),
        round(fail_at, 4),
        dict(provenance or {}, runs=len(rows), positives=int(y.sum())),
    )


def load_combiner(path: Path = WEIGHTS_FILE) -> LearnedCombiner | None:
    """The stored combination rule, or None when none was fitted (then the panel averages scores)."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return LearnedCombiner(**data)
