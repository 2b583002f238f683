"""Critics measured out of sample: the combination rule is fitted with one app (family) held out and measured on
it, for every family in turn, so no combined figure is in-sample.

Per critic and combined: precision and recall of `pass` (against the hidden checker), the unsure rate (runs sent
to review), and the false-success rate of `eclair run` (exit 0 on a run the checker fails, over all runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eclair.bench.critic_data import LabelledRun
from eclair.critics.combiner import LearnedCombiner, fit_combiner
from eclair.critics.panel import TASK_THRESHOLD, combine
from eclair.types import Verdict

HAND_SET = "combined (hand-set mean)"
LEARNED = "combined (learned, leave-one-app-out)"
# the six edit workflows on which the improve loop needed the critics (BENCHMARKS.md, issue 11)
EDIT_WORKFLOWS = frozenset(
    {
        "helpdesk-change-status",
        "helpdesk-reopen-ticket",
        "helpdesk-change-tier",
        "helpdesk-rate-ticket",
        "procurement-reject-invoice",
        "helpdesk-tag-ticket",
    }
)


@dataclass
class RunVerdicts:
    run: LabelledRun
    verdicts: list[Verdict]  # one per task critic that ran

    @property
    def finished(self) -> bool:
        """The agent said done: the only runs `eclair run` can exit 0 on."""
        last = self.run.trajectory[-1].decision.action.kind if self.run.trajectory else ""
        return last == "done"


def judge_runs(runs: Sequence[LabelledRun], critics: Sequence[Any]) -> list[RunVerdicts]:
    """Every task critic on every run (each sees the verification reads only if it asks for them)."""
    out = []
    for run in runs:
        verdicts = [c.check_task(run.task, run.steps_for(c), run.final) for c in critics]
        out.append(RunVerdicts(run, verdicts))
    return out


def rates(labels: Sequence[str], truth: Sequence[bool], finished: Sequence[bool]) -> dict[str, Any]:
    """precision/recall of pass, unsure rate, fail precision, false-success rate (pass on a failed, finished run)."""
    n = len(labels)
    tp = sum(1 for lab, y in zip(labels, truth, strict=True) if lab == "pass" and y)
    fp = sum(1 for lab, y in zip(labels, truth, strict=True) if lab == "pass" and not y)
    fails = [y for lab, y in zip(labels, truth, strict=True) if lab == "fail"]
    unsure = sum(1 for lab in labels if lab not in {"pass", "fail"})
    false_exit0 = sum(1 for lab, y, f in zip(labels, truth, finished, strict=True) if lab == "pass" and f and not y)
    positives = sum(truth)

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "n": n,
        "positives": positives,
        "tp": tp,
        "fp": fp,
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, positives),
        "unsure_rate": ratio(unsure, n),
        "fail_precision": ratio(sum(1 for y in fails if not y), len(fails)),
        "false_success_rate": ratio(false_exit0, n),
    }


def leave_one_family_out(
    judged: Sequence[RunVerdicts], critics: Sequence[str], *, target_precision: float = 0.95
) -> tuple[list[str], dict[str, LearnedCombiner]]:
    """Each run's label from a combiner fitted on the other families' runs; the combiners by held-out family."""
    labels = [""] * len(judged)
    fitted: dict[str, LearnedCombiner] = {}
    for family in sorted({j.run.family for j in judged}):
        train = [j for j in judged if j.run.family != family]
        if len({j.run.success for j in train}) < 2:
            continue  # nothing to learn from one class: those runs stay unlabelled (unsure)
        combiner = fit_combiner(
            [j.verdicts for j in train], [j.run.success for j in train], critics, target_precision=target_precision
        )
        fitted[family] = combiner
        for k, j in enumerate(judged):
            if j.run.family == family:
                labels[k] = combiner.label(j.verdicts).label
    return [lab or "unsure" for lab in labels], fitted


Subset = Callable[[LabelledRun], bool]
SUBSETS: dict[str, Subset] = {
    "all": lambda r: True,
    "demos": lambda r: r.family in {"helpdesk", "clinic", "procurement"},
    "edit workflows": lambda r: (r.task.workflow or "") in EDIT_WORKFLOWS,
    "miniwob": lambda r: r.family == "miniwob",
    "live policy": lambda r: not r.source.startswith("checker:scripted"),
}


def evaluate(judged: Sequence[RunVerdicts], critics: Sequence[str]) -> dict[str, Any]:
    """Per critic and combined, on each subset of runs; plus the per-family combiners' weights."""
    learned, fitted = leave_one_family_out(judged, critics)
    columns: dict[str, list[str]] = {
        name: [next((v.label for v in j.verdicts if v.critic == name), "unsure") for j in judged] for name in critics
    }
    columns[HAND_SET] = [combine(j.verdicts, threshold=TASK_THRESHOLD).label for j in judged]
    columns[LEARNED] = learned
    out: dict[str, Any] = {}
    for subset, keep in SUBSETS.items():
        rows = [k for k, j in enumerate(judged) if keep(j.run)]
        if not rows:
            continue
        truth = [judged[k].run.success for k in rows]
        finished = [judged[k].finished for k in rows]
        out[subset] = {name: rates([col[k] for k in rows], truth, finished) for name, col in columns.items()}
    families = sorted({j.run.family for j in judged})
    out["families"] = {f: sum(1 for j in judged if j.run.family == f) for f in families}
    out["fitted_per_held_out_family"] = {
        f: {"weights": dict(zip(c.critics, c.weights, strict=True)), "bias": c.bias, "pass_at": c.pass_at,
            "fail_at": c.fail_at}
        for f, c in fitted.items()
    }  # fmt: skip
    return out


def markdown(result: dict[str, Any]) -> str:
    def f(x: Any) -> str:
        return "–" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)

    lines = ["### Task labels, out of sample (leave one app out)", ""]
    for subset, table in result.items():
        if subset in {"families", "fitted_per_held_out_family"}:
            continue
        n = next(iter(table.values()))["n"]
        lines += [
            f"**{subset}** ({n} runs)",
            "",
            "| critic | pass (tp/fp) | precision | recall | unsure rate | fail precision | false exit-0 rate |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, s in table.items():
            lines.append(
                f"| {name} | {s['tp']}/{s['fp']} | {f(s['precision'])} | {f(s['recall'])} | {f(s['unsure_rate'])} "
                f"| {f(s['fail_precision'])} | {f(s['false_success_rate'])} |"
            )
        lines.append("")
    return "\n".join(lines)
