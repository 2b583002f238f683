"""`eclair bench critic`: run every critic on labelled steps and runs; precision, recall, F1, precision at
recall ≥ 0.8, a calibrated task threshold (cross-validated), JSON + markdown + PNG curves."""

from __future__ import annotations

import logging
import random
import time
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eclair.bench.critic_data import LabelledRun, LabelledStep
from eclair.bench.critic_loao import LEARNED, evaluate, judge_runs
from eclair.bench.critic_loao import markdown as loao_markdown
from eclair.bench.critic_metrics import calibrate_threshold, plot_pr_curves, score_labels
from eclair.critics.panel import STEP_THRESHOLD, TASK_THRESHOLD, _inconclusive, combine
from eclair.types import Verdict

log = logging.getLogger(__name__)
TARGET_PRECISION = 0.95
RULES_ONLY, WITH_MODEL = "combined (rules)", "combined (rules + model)"
NO_SOP = "combined (rules, no SOP)"  # what the rules manage when a task comes without an SOP


@dataclass
class Predictions:
    """Per critic: one verdict (or None: not applicable) per labelled item, aligned with `truth`."""

    truth: list[bool] = field(default_factory=list)
    by_critic: dict[str, list[Verdict | None]] = field(default_factory=dict)
    ms: dict[str, float] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    sampled: set[str] = field(default_factory=set)  # critics run on a subset only: scored on the items they saw

    def add(self, name: str, index: int, verdict: Verdict | None) -> None:
        column = self.by_critic.setdefault(name, [None] * len(self.truth))
        column.extend([None] * (len(self.truth) - len(column)))
        column[index] = verdict

    def scores(self) -> dict[str, dict[str, Any]]:
        out = {}
        for name, column in self.by_critic.items():
            column = column + [None] * (len(self.truth) - len(column))
            truth = self.truth
            if name in self.sampled:
                truth = [y for v, y in zip(column, truth, strict=True) if v is not None]
                column = [v for v in column if v is not None]
            labels = [v.label if v else None for v in column]
            values = [v.score if v else 0.5 for v in column]
            out[name] = score_labels(labels, values, truth).as_dict() if truth else {}
        return out

    def ms_per_call(self) -> dict[str, float]:
        return {k: round(v / max(1, self.calls[k]), 1) for k, v in self.ms.items()}

    def curve(self, name: str) -> tuple[list[float], list[bool]]:
        column = self.by_critic.get(name, [])
        pairs = [(v.score, y) for v, y in zip(column, self.truth, strict=False) if v is not None]
        return [s for s, _ in pairs], [y for _, y in pairs]


def _timed(pred: Predictions, name: str, call: Callable[[], Verdict]) -> Verdict:
    started = time.perf_counter()
    verdict = call()
    pred.ms[name] = pred.ms.get(name, 0.0) + (time.perf_counter() - started) * 1000
    pred.calls[name] += 1
    return verdict


def _step_call(critic: Any, it: LabelledStep) -> Callable[[], Verdict]:
    return lambda: critic.check_step(it.before, it.action, it.after, it.expected, result=it.result, history=it.history)


def _task_call(critic: Any, it: LabelledRun) -> Callable[[], Verdict]:
    return lambda: critic.check_task(it.task, it.steps_for(critic), it.final)


def evaluate_steps(
    items: Sequence[LabelledStep], rules: Sequence[Any], judge: Any | None, sample: set[int] | None = None
) -> Predictions:
    """Rules on every item; the judge where the rules are inconclusive (as deployed) and on `sample` (alone)."""
    pred = Predictions(truth=[it.success for it in items], sampled={getattr(judge, "name", "")})
    for i, it in enumerate(items):
        applicable = [r for r in rules if getattr(r, "applies_to", None) is None or it.action.kind in r.applies_to]
        verdicts = [_timed(pred, rule.name, _step_call(rule, it)) for rule in applicable]
        for rule, verdict in zip(applicable, verdicts, strict=True):
            pred.add(rule.name, i, verdict)
        pred.add(RULES_ONLY, i, combine(verdicts, threshold=STEP_THRESHOLD))
        if judge is not None:
            needed = _inconclusive(applicable, verdicts, STEP_THRESHOLD)
            judged = _timed(pred, judge.name, _step_call(judge, it)) if needed or i in (sample or set()) else None
            pred.add(judge.name, i, judged)
            gated = [*verdicts, judged] if needed and judged is not None else verdicts
            pred.add(WITH_MODEL, i, combine(gated, threshold=STEP_THRESHOLD))
    return pred


def evaluate_runs(
    items: Sequence[LabelledRun], rules: Sequence[Any], judges: Sequence[Any], sample: set[int] | None = None
) -> Predictions:
    pred = Predictions(truth=[it.success for it in items], sampled={j.name for j in judges})
    for i, it in enumerate(items):
        verdicts = [_timed(pred, rule.name, _task_call(rule, it)) for rule in rules]
        for rule, verdict in zip(rules, verdicts, strict=True):
            pred.add(rule.name, i, verdict)
        pred.add(RULES_ONLY, i, combine(verdicts, threshold=TASK_THRESHOLD))
        if any(r.name == "rule.sop" for r in rules) and len(rules) > 1:
            without = [v for v in verdicts if v.critic != "rule.sop"]
            pred.add(NO_SOP, i, combine(without, threshold=TASK_THRESHOLD))
        if judges:
            needed = _inconclusive(rules, verdicts, TASK_THRESHOLD)
            judged = [
                _timed(pred, j.name, _task_call(j, it)) if needed or i in (sample or set()) else None for j in judges
            ]
            for j, maybe in zip(judges, judged, strict=True):
                pred.add(j.name, i, maybe)
            gated = [*verdicts, *(v for v in judged if v is not None)] if needed else verdicts
            pred.add(WITH_MODEL, i, combine(gated, threshold=TASK_THRESHOLD))
    return pred


def _sample(rng: random.Random, n: int, k: int) -> set[int]:
    return set(rng.sample(range(n), min(n, k)))


def _fold(run_id: str) -> int:
    return zlib.crc32(run_id.encode()) % 2  # synthetic variants stay in their source run's fold


def calibration(pred: Predictions, items: Sequence[LabelledRun], critic: str) -> dict[str, Any]:
    """The threshold reaching TARGET_PRECISION with the most recall, in-sample and 2-fold cross-validated."""
    column = pred.by_critic.get(critic, [])
    scores = [v.score if v else 0.5 for v in column]
    truth = pred.truth
    threshold = calibrate_threshold(scores, truth, TARGET_PRECISION)
    out: dict[str, Any] = {"critic": critic, "target_precision": TARGET_PRECISION, "threshold": threshold}
    if threshold is not None:
        labels = ["pass" if s >= threshold else "fail" for s in scores]
        out["in_sample"] = score_labels(labels, scores, truth).as_dict()
    held_labels: list[str] = []
    held_truth: list[bool] = []
    held_scores: list[float] = []
    for fold in (0, 1):
        train = [k for k, it in enumerate(items) if _fold(it.run_id) != fold]
        test = [k for k, it in enumerate(items) if _fold(it.run_id) == fold]
        t = calibrate_threshold([scores[k] for k in train], [truth[k] for k in train], TARGET_PRECISION)
        t = 1.01 if t is None else t  # nothing reached the target: label nothing pass
        held_labels += ["pass" if scores[k] >= t else "fail" for k in test]
        held_truth += [truth[k] for k in test]
        held_scores += [scores[k] for k in test]
    out["cross_validated"] = score_labels(held_labels, held_scores, held_truth).as_dict()
    return out


@dataclass
class BenchResult:
    data: dict[str, Any]
    markdown: str
    pngs: list[Path]


def _table(title: str, scores: dict[str, dict[str, Any]], ms: dict[str, float], calls: Counter[str]) -> str:
    def f(x: Any) -> str:
        return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)

    rows = [
        f"### {title}",
        "",
        "| critic | decided | pass (tp/fp) | precision | recall | F1 | fail precision | P@R≥0.8 | ms/call |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in scores.items():
        if not s:
            continue
        rows.append(
            f"| {name} | {s['decided']}/{s['n']} | {s['tp']}/{s['fp']} | {f(s['precision'])} | {f(s['recall'])} "
            f"| {f(s['f1'])} | {f(s['fail_precision'])} | {f(s['precision_at_recall_80'])} "
            f"| {f(ms.get(name, 0.0) / calls[name]) if calls[name] else '–'} |"
        )
    return "\n".join(rows)


def run_bench(
    runs: list[LabelledRun],
    steps: list[LabelledStep],
    *,
    judge_backend: Any | None,
    out_dir: Path,
    seed: int = 0,
    judge_sample: int = 30,
) -> BenchResult:
    """`judge_sample`: items per set on which the model judges also run alone (they are slow on a CPU); the
    deployed combination calls them wherever the rules are inconclusive regardless."""
    from eclair.critics.judges import CompletionJudge, SopJudge, StepJudge
    from eclair.critics.rules import default_step_rules
    from eclair.critics.task_rules import default_task_rules
    from eclair.critics.verify import VerificationCritic

    step_judge = StepJudge(judge_backend) if judge_backend is not None else None
    task_judges = [CompletionJudge(judge_backend), SopJudge(judge_backend)] if judge_backend is not None else []
    rng = random.Random(seed)
    step_pred = evaluate_steps(steps, default_step_rules(), step_judge, _sample(rng, len(steps), judge_sample))
    unknown_final = [r for r in runs if not r.final_known]
    runs = [r for r in runs if r.final_known]
    completion = [r for r in runs if r.kind == "completion"]
    trajectory = [r for r in runs if r.kind == "trajectory" or (not r.source.startswith("synthetic") and r.success)]
    task_rules = [*default_task_rules(), VerificationCritic()]
    comp_pred = evaluate_runs(completion, task_rules, task_judges, _sample(rng, len(completion), judge_sample))
    sop_rules = [r for r in task_rules if r.name == "rule.sop"]
    sop_judges = [j for j in task_judges if j.name == "judge.sop"]
    traj_pred = evaluate_runs(trajectory, sop_rules, sop_judges, _sample(rng, len(trajectory), judge_sample // 2))
    best = WITH_MODEL if judge_backend is not None else RULES_ONLY
    real = [r for r in completion if not r.source.startswith("synthetic")]
    task_critics: list[Any] = [*task_rules, *task_judges[:1]]  # the completion judge; the SOP judge is in its table
    judged = judge_runs(real, task_critics)
    out_of_sample = evaluate(judged, [c.name for c in task_critics])
    data: dict[str, Any] = {
        "dataset": {
            "steps": len(steps),
            "step_sources": dict(Counter(f"{s.source}:{'pos' if s.success else 'neg'}" for s in steps)),
            "completion_runs": len(completion),
            "completion_sources": dict(Counter(f"{r.source}:{'pos' if r.success else 'neg'}" for r in completion)),
            "trajectory_runs": len(trajectory),
            "runs_without_final_page": len(unknown_final),  # left out of task metrics; their steps still count
        },
        "judge": getattr(judge_backend, "model_id", None),
        "step": step_pred.scores(),
        "task_completion": comp_pred.scores(),
        "task_trajectory": traj_pred.scores(),
        "calibration": calibration(comp_pred, completion, best),
        "ms_per_call": {"step": step_pred.ms_per_call(), "task": comp_pred.ms_per_call()},
        "judge_calls": {"step": step_pred.calls.get("judge.step", 0), "task": dict(comp_pred.calls)},
        "out_of_sample": out_of_sample,
    }
    learned = out_of_sample.get("all", {}).get(LEARNED, {})
    data["headline"] = {
        "critic": LEARNED,
        "task_precision": learned.get("precision"),
        "task_recall": learned.get("recall"),
        "unsure_rate": learned.get("unsure_rate"),
        "false_success_rate": learned.get("false_success_rate"),
        "goal_met": (learned.get("precision") or 0) >= TARGET_PRECISION and (learned.get("recall") or 0) >= 0.8,
    }
    pngs = [
        plot_pr_curves(
            {name: comp_pred.curve(name) for name in comp_pred.by_critic},
            out_dir / "critics-task-pr.png",
            "Task completion: precision vs recall",
        ),
        plot_pr_curves(
            {name: step_pred.curve(name) for name in step_pred.by_critic},
            out_dir / "critics-step-pr.png",
            "Step verdicts: precision vs recall",
        ),
    ]
    md = "\n\n".join(
        [
            loao_markdown(out_of_sample),
            _table("Step verdicts", data["step"], step_pred.ms, step_pred.calls),
            _table("Task completion", data["task_completion"], comp_pred.ms, comp_pred.calls),
            _table("Trajectory vs SOP", data["task_trajectory"], traj_pred.ms, traj_pred.calls),
        ]
    )
    return BenchResult(data, md, pngs)
