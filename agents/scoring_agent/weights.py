"""The policy's weights are data: a versioned JSON file of one weight per feature.

`weights.json` beside this module is the shipped default (hand-set: the starting point of a fit, not the answer);
a model version carries its own `policy_weights.json` in its directory, found first when that model runs.
`fit_weights` learns them from traces: a listwise softmax objective over the candidates of good steps, with an L2
pull towards the starting weights so a small trace set nudges rather than overturns them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eclair.types import StepRecord

DEFAULT_PATH = Path(__file__).with_name("weights.json")
WEIGHTS_FILE = "policy_weights.json"  # the name inside a model version's directory
FORMAT = 1


class WeightsError(ValueError):
    """A weights file that cannot be read: names the file and what is wrong."""


@dataclass
class Weights:
    """One weight per feature name; a feature missing here weighs 0."""

    values: dict[str, float]
    version: str = "default"
    source: str = "hand-set"
    meta: dict[str, object] = field(default_factory=dict)

    def of(self, name: str) -> float:
        return self.values.get(name, 0.0)

    def score(self, vector: Mapping[str, float]) -> float:
        return sum(self.of(name) * value for name, value in vector.items())

    def without(self, names: Iterable[str]) -> Weights:
        """These weights with the named features switched off (ablation)."""
        off = set(names)
        kept = {k: (0.0 if k in off else v) for k, v in self.values.items()}
        return Weights(kept, f"{self.version}-without-{'+'.join(sorted(off))}", self.source, dict(self.meta))

    def to_json(self) -> str:
        doc = {"format": FORMAT, "version": self.version, "source": self.source, "meta": self.meta}
        return json.dumps({**doc, "weights": dict(sorted(self.values.items()))}, indent=2) + "\n"

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json())
        return path


def read_weights(path: Path) -> Weights:
    """Weights from a JSON file; a bad file raises WeightsError naming it."""
    try:
        doc = json.loads(path.read_text())
        values = {str(k): float(v) for k, v in doc["weights"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WeightsError(f"{path}: not a policy weights file ({exc}); rewrite it or delete it") from exc
    if doc.get("format") != FORMAT:
        raise WeightsError(f"{path}: weights format {doc.get('format')!r}, expected {FORMAT}")
    return Weights(values, str(doc.get("version", path.stem)), str(doc.get("source", "")), dict(doc.get("meta", {})))


def load_weights(source: Weights | Mapping[str, float] | str | Path | None = None, model_dir: str = "") -> Weights:
    """The weights to run with: given ones, else the model version's own file, else the shipped default."""
    if isinstance(source, Weights):
        return source
    if isinstance(source, Mapping):
        base = read_weights(DEFAULT_PATH)
        return Weights({**base.values, **{k: float(v) for k, v in source.items()}}, "custom", "options")
    if source is not None:
        return read_weights(Path(source))
    own = Path(model_dir) / WEIGHTS_FILE if model_dir else None
    if own is not None and own.is_file():
        return read_weights(own)
    return read_weights(DEFAULT_PATH)


def training_rows(steps: Iterable[StepRecord]) -> list[tuple[list[dict[str, float]], int]]:
    """(feature vectors of the candidates, index of the chosen one) for each step that chose among 2+ candidates
    with recorded features."""
    rows = []
    for step in steps:
        cands = [c for c in step.decision.candidates if c.features]
        chosen = [i for i, c in enumerate(cands) if c.action == step.decision.action]
        if len(cands) >= 2 and len(chosen) == 1:
            rows.append(([c.features for c in cands], chosen[0]))
    return rows


def fit_weights(
    steps: Iterable[StepRecord],
    start: Weights | None = None,
    *,
    epochs: int = 300,
    learning_rate: float = 0.05,
    l2: float = 0.05,
    frozen: Iterable[str] = ("pmi",),
) -> Weights:
    """Weights that rank each good step's chosen candidate first (listwise softmax), starting from `start`.

    `frozen` features keep their starting weight: the model's PMI sets the scale the others are measured in."""
    start = start or load_weights()
    rows = training_rows(steps)
    names = sorted({n for vectors, _ in rows for v in vectors for n in v} | set(start.values))
    if not rows:
        return Weights(dict(start.values), start.version, start.source, {**start.meta, "fit_rows": 0})
    index = {n: i for i, n in enumerate(names)}
    w0 = np.array([start.of(n) for n in names])
    mask = np.array([0.0 if n in set(frozen) else 1.0 for n in names])
    mats = []
    for vectors, chosen in rows:
        x = np.zeros((len(vectors), len(names)))
        for r, vec in enumerate(vectors):
            for n, value in vec.items():
                x[r, index[n]] = value
        mats.append((x, chosen))
    w = w0.copy()
    for _ in range(epochs):
        grad = l2 * (w - w0)
        for x, chosen in mats:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            grad += (x.T @ p - x[chosen]) / len(mats)
        w -= learning_rate * grad * mask
    loss = _loss(mats, w)
    digest = hashlib.sha1(np.round(w, 4).tobytes()).hexdigest()[:8]
    meta = {"fit_rows": len(rows), "loss_before": round(_loss(mats, w0), 4), "loss_after": round(loss, 4)}
    return Weights({n: round(float(v), 4) for n, v in zip(names, w, strict=True)}, f"fit-{digest}", "fit", meta)


def fit_into(steps: Sequence[StepRecord], model_dir: Path, start_model: str) -> dict[str, object]:
    """`eclair improve`'s hook (entry point `eclair.fitters`): fit from `start_model`'s weights, save them as the
    model version's own file in `model_dir`, and return the fit's summary."""
    fitted = fit_weights(steps, load_weights(model_dir=start_model))
    path = fitted.save(Path(model_dir) / WEIGHTS_FILE)
    return {**fitted.meta, "version": fitted.version, "path": str(path)}


def _loss(mats: list[tuple[np.ndarray, int]], w: np.ndarray) -> float:
    total = 0.0
    for x, chosen in mats:
        s = x @ w
        total += float(np.log(np.exp(s - s.max()).sum()) + s.max() - s[chosen])
    return total / max(len(mats), 1)
