"""What one `eclair improve` is asked to do and what each round measured, and the rules that read those numbers."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from eclair.bench.harness import SuiteResult
from eclair.learn.mine import Reward
from eclair.store import Store

HELD_OUT_SEED = 100_000  # promotion is decided on seeds from here; rollout seeds never reach it
REPORT_SEED = 200_000  # the figure reported after the rounds: seeds no promotion decision has seen


class ImproveConfig(BaseModel):
    suite: str
    rounds: int = 2
    k: int = 4  # rollouts per task per round
    siblings: int = 1  # rollouts per seed: > 1 samples the same start state again, which gives DPO pairs
    eval_episodes: int = 5  # held-out seeds per task, for the promotion decision
    report_episodes: int | None = None  # report seeds per task after the rounds; None: eval_episodes; 0: skip
    eval_suite: str | None = None  # the tasks promotion is measured on; None: the rollout suite's (other seeds)
    reward: Reward = "env"
    temperature: float = 0.5
    device: str = "cpu"
    budget_minutes: float | None = None
    guard_suite: str | None = None
    guard_margin: float = 0.1
    cap_per_task: int = 10
    seed: int = 0
    workers: int = 1  # browser contexts per rollout / evaluation suite (one model shared under a lock)
    executor: str = "threads"  # threads, or ray[:ADDRESS]: rollouts and evaluations as Ray actor tasks
    agent: str | None = None  # the registered agent that rolls out and is evaluated; None: settings.agent
    base_model: str = "embedded"  # what each round's LoRA trains on (ReST-EM: always from the base)
    fit_weights: bool = True  # also fit the agent's feature weights (when its package registers a fitter)
    train: dict[str, Any] = Field(default_factory=dict)  # TrainConfig overrides


class RoundMetrics(BaseModel):
    round: int
    temperature: float
    model_before: str
    model_after: str
    rollout_success: float
    pass_at_k: float
    unique_successes: float  # mean per task
    critic_precision: float | None
    critic_recall: float | None
    dataset_size: int
    dpo_pairs: int
    rank_examples: int = 0  # rank rows mined so far (the rank objective's data)
    rank_loss: float | None = None
    weights_fit: dict[str, Any] | None = None  # the feature-weight fit's summary (rows, loss before/after)
    heldout_before: float
    heldout_after: float
    guard_before: float | None = None
    guard_after: float | None = None
    promoted: bool
    reason: str
    train_seconds: float
    round_seconds: float


class ImproveResult(BaseModel):
    config: ImproveConfig
    base_heldout: float
    rounds: list[RoundMetrics] = Field(default_factory=list)
    promoted_model: str
    report_seed: int | None = None
    report_before: float | None = None  # the starting model on the report seeds
    report_after: float | None = None  # the promoted model on the same report seeds


def success_by_task(result: SuiteResult) -> dict[str, float]:
    return {t.env: t.success_rate for t in result.per_task}


def rollout_stats(result: SuiteResult) -> tuple[float, float, float]:
    """(success rate, pass@K over tasks, mean unique successful seeds per task)."""
    wins: dict[str, int] = defaultdict(int)
    tasks: set[str] = set()
    for r in result.results:
        tasks.add(r.env)
        wins[r.env] += int(r.success)
    n = max(len(tasks), 1)
    return result.mean_success, sum(1 for t in tasks if wins[t] > 0) / n, sum(wins.values()) / n


def critic_quality(store: Store, result: SuiteResult) -> tuple[float | None, float | None]:
    """Precision/recall of the critics' run label against the hidden checker (monitoring only)."""
    tp = fp = fn = 0
    for r in result.results:
        if r.run_id is None:
            continue
        run = store.get_run(r.run_id)
        said = run.status == "succeeded" and run.label == "pass"
        tp += said and r.success
        fp += said and not r.success
        fn += (not said) and r.success
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def next_temperature(current: float, success: float, unique: float, k: int) -> float:
    """Explore more when successes are few or repetitive; sharpen when sampling mostly fails."""
    if success < 0.2:
        return max(0.1, round(current * 0.7, 3))
    if unique < max(1.0, k / 2):
        return min(2.0, round(current * 1.4, 3))
    return current


def decide_promotion(
    before: SuiteResult,
    after: SuiteResult,
    guard_before: SuiteResult | None,
    guard_after: SuiteResult | None,
    margin: float,
) -> tuple[bool, str]:
    """Promote only when held-out success rises and no guard task falls by more than `margin`."""
    if after.mean_success <= before.mean_success:
        return False, f"held-out success did not rise ({before.mean_success:.2f} → {after.mean_success:.2f})"
    if guard_before is not None and guard_after is not None:
        old, new = success_by_task(guard_before), success_by_task(guard_after)
        for task, rate in old.items():
            if new.get(task, 0.0) < rate - margin:
                return False, f"guard task {task} fell from {rate:.2f} to {new.get(task, 0.0):.2f}"
    return True, f"held-out success rose {before.mean_success:.2f} → {after.mean_success:.2f}"
