"""`eclair improve`: rounds of rollouts → labels → mining → training → held-out evaluation → promotion.

Every round trains a fresh LoRA from the base model on all data mined so far (ReST-EM), evaluates it greedily on
held-out seeds against the current model, and promotes it only when held-out success rises and no guard task
falls by more than the margin. Per-round metrics (B-STaR style) pick the next round's sampling temperature.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from eclair.bench.harness import SuiteResult, run_suite
from eclair.config import Settings
from eclair.critics import default_panel
from eclair.learn.mine import Reward, label_runs, mine
from eclair.learn.suites import open_suite
from eclair.learn.train import TrainConfig, train_adapter
from eclair.models.compute import on_compute_thread
from eclair.models.current import current_model, set_current_model
from eclair.models.local import resolve_model_path
from eclair.plugins import make_agent
from eclair.store import Store

log = logging.getLogger(__name__)

HELD_OUT_SEED = 100_000  # evaluation seeds start here; rollout seeds never reach it


class ImproveConfig(BaseModel):
    suite: str
    rounds: int = 2
    k: int = 4  # rollouts per task per round
    siblings: int = 1  # rollouts per seed: > 1 samples the same start state again, which gives DPO pairs
    eval_episodes: int = 5  # held-out seeds per task
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


def _success_by_task(result: SuiteResult) -> dict[str, float]:
    return {t.env: t.success_rate for t in result.per_task}


def _rollout_stats(result: SuiteResult) -> tuple[float, float, float]:
    """(success rate, pass@K over tasks, mean unique successful seeds per task)."""
    wins: dict[str, int] = defaultdict(int)
    tasks: set[str] = set()
    for r in result.results:
        tasks.add(r.env)
        wins[r.env] += int(r.success)
    n = max(len(tasks), 1)
    return result.mean_success, sum(1 for t in tasks if wins[t] > 0) / n, sum(wins.values()) / n


def _critic_quality(store: Store, result: SuiteResult) -> tuple[float | None, float | None]:
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


def improve(
    cfg: ImproveConfig,
    settings: Settings,
    *,
    store: Store,
    work_dir: Path,
    on_round: Callable[[RoundMetrics], None] | None = None,
    on_message: Callable[[str], None] = log.info,
) -> ImproveResult:
    started = time.perf_counter()
    current = settings.model or current_model(settings)  # the named model, else the last promoted one
    base_dir = resolve_model_path(cfg.base_model, settings)
    agent_name = cfg.agent or settings.agent
    train_cfg = TrainConfig(device=cfg.device, seed=cfg.seed, **cfg.train)
    sft_all: list[dict[str, str]] = []
    dpo_all: list[dict[str, str]] = []
    rank_all: list[dict[str, Any]] = []

    def evaluate(model: str, envs: list[Any], label: str) -> SuiteResult:
        on_message(f"evaluating {label} on {len(envs)} tasks × {cfg.eval_episodes} held-out seeds")
        return run_suite(
            envs,
            agent_name=agent_name,
            settings=settings,
            episodes=cfg.eval_episodes,
            seed=HELD_OUT_SEED + cfg.seed,
            workers=cfg.workers,
            executor=cfg.executor,
            store=store,
            model=model,
            suite=f"{cfg.suite}/heldout",
            agent_factory=lambda b: make_agent(agent_name, b),
        )

    with ExitStack() as stack:
        envs = stack.enter_context(open_suite(cfg.suite, seed=cfg.seed))
        guard_envs = stack.enter_context(open_suite(cfg.guard_suite, seed=cfg.seed)) if cfg.guard_suite else []
        before = evaluate(current, envs, "the current model")
        guard_before = evaluate(current, guard_envs, "guard tasks") if guard_envs else None
        result = ImproveResult(config=cfg, base_heldout=before.mean_success, promoted_model=current)
        temperature = cfg.temperature
        for round_no in range(1, cfg.rounds + 1):
            if cfg.budget_minutes and (time.perf_counter() - started) / 60 > cfg.budget_minutes:
                on_message(f"budget of {cfg.budget_minutes} min used; stopping before round {round_no}")
                break
            t_round = time.perf_counter()
            on_message(f"round {round_no}: {cfg.k} rollouts per task at temperature {temperature}")
            rollout_seed = cfg.seed * 10_000 + round_no * 1_000
            rollouts = run_suite(
                envs,
                agent_name=agent_name,
                settings=settings,
                episodes=cfg.k,
                seed=rollout_seed,
                siblings=cfg.siblings,
                workers=cfg.workers,
                executor=cfg.executor,
                store=store,
                critics=default_panel(),  # the labels of --reward critic, and the critic-precision monitor
                model=current,
                suite=f"{cfg.suite}/rollouts",
                agent_factory=lambda b, t=temperature, s=rollout_seed: make_agent(agent_name, b, temperature=t, seed=s),
            )
            success, pass_k, unique = _rollout_stats(rollouts)
            precision, recall = _critic_quality(store, rollouts)
            runs = [store.get_run(r.run_id) for r in rollouts.results if r.run_id]
            mined = mine(label_runs(store, runs, cfg.reward), cap_per_task=cfg.cap_per_task)
            sft_all.extend(mined.sft)
            dpo_all.extend(mined.dpo)
            rank_all.extend(mined.rank)
            round_dir = work_dir / f"round-{round_no}"
            round_dir.mkdir(parents=True, exist_ok=True)
            sft_path, dpo_path, rank_path = (round_dir / f"{n}.jsonl" for n in ("sft", "dpo", "rank"))
            _write_jsonl(sft_path, sft_all)
            _write_jsonl(dpo_path, dpo_all)
            _write_jsonl(rank_path, rank_all)
            dataset_id = store.add_dataset(
                f"{cfg.suite}-round-{round_no}",
                "sft+dpo",
                str(sft_path),
                len(sft_all),
                {
                    "runs": mined.runs_used,
                    "reward": cfg.reward,
                    "stats": mined.stats,
                    "dpo_path": str(dpo_path),
                    "dpo_pairs": len(dpo_all),
                    "rank_path": str(rank_path),
                    "rank_examples": len(rank_all),
                    "objective": train_cfg.objective,
                },
            )
            nothing_to_learn = "no successful rollouts to learn from"
            if sft_all and not rank_all:
                nothing_to_learn = "no successful step chose among 2+ scored candidates (no rank rows)"
            if not (rank_all if train_cfg.objective == "rank" else sft_all):
                metrics = RoundMetrics(
                    round=round_no,
                    temperature=temperature,
                    model_before=current,
                    model_after=current,
                    rollout_success=success,
                    pass_at_k=pass_k,
                    unique_successes=unique,
                    critic_precision=precision,
                    critic_recall=recall,
                    dataset_size=0,
                    dpo_pairs=0,
                    rank_examples=len(rank_all),
                    heldout_before=before.mean_success,
                    heldout_after=before.mean_success,
                    promoted=False,
                    reason=nothing_to_learn,
                    train_seconds=0.0,
                    round_seconds=time.perf_counter() - t_round,
                )
                result.rounds.append(metrics)
                _round_done(store, metrics, on_round, suite=cfg.suite, dataset_id=dataset_id, version_id=None)
                temperature = next_temperature(temperature, success, unique, cfg.k)
                continue
            on_message(
                f"round {round_no}: training ({train_cfg.objective}) on {len(sft_all)} examples, "
                f"{len(rank_all)} rank rows and {len(dpo_all)} pairs"
            )
            trained = on_compute_thread(  # the torch thread: one OpenMP team with the rollouts' model
                train_adapter,
                base_dir,
                sft_path,
                round_dir / "adapter",
                train_cfg,
                dpo_path=dpo_path if dpo_all else None,
                base_id=cfg.base_model,
                rank_path=rank_path if rank_all else None,
            )
            candidate = str(trained.adapter_dir)
            after = evaluate(candidate, envs, f"round {round_no}'s adapter")
            guard_after = evaluate(candidate, guard_envs, "guard tasks") if guard_envs else None
            ok, reason = decide_promotion(before, after, guard_before, guard_after, cfg.guard_margin)
            version = store.add_model_version(
                f"{cfg.suite}-round-{round_no}",
                base=cfg.base_model,
                adapter_path=candidate,
                dataset_id=dataset_id,
                metrics={
                    "heldout_before": before.mean_success,
                    "heldout_after": after.mean_success,
                    "sft_loss": trained.sft_loss,
                    "dpo_loss": trained.dpo_loss,
                    "rank_loss": trained.rank_loss,
                    "rank_examples": trained.rank_examples,
                    "train_seconds": trained.seconds,
                },
                promoted=False,
            )
            if ok:
                store.promote(version)
                set_current_model(
                    settings, candidate, note=f"promoted by eclair improve ({cfg.suite}, round {round_no})"
                )
            metrics = RoundMetrics(
                round=round_no,
                temperature=temperature,
                model_before=current,
                model_after=candidate if ok else current,
                rollout_success=success,
                pass_at_k=pass_k,
                unique_successes=unique,
                critic_precision=precision,
                critic_recall=recall,
                dataset_size=len(sft_all),
                dpo_pairs=len(dpo_all),
                rank_examples=len(rank_all),
                rank_loss=trained.rank_loss,
                heldout_before=before.mean_success,
                heldout_after=after.mean_success,
                guard_before=guard_before.mean_success if guard_before else None,
                guard_after=guard_after.mean_success if guard_after else None,
                promoted=ok,
                reason=reason,
                train_seconds=trained.seconds,
                round_seconds=time.perf_counter() - t_round,
            )
            result.rounds.append(metrics)
            _round_done(store, metrics, on_round, suite=cfg.suite, dataset_id=dataset_id, version_id=version)
            if ok:
                current, before, guard_before = candidate, after, guard_after
                result.promoted_model = current
            temperature = next_temperature(temperature, success, unique, cfg.k)
    return result


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
        old, new = _success_by_task(guard_before), _success_by_task(guard_after)
        for task, rate in old.items():
            if new.get(task, 0.0) < rate - margin:
                return False, f"guard task {task} fell from {rate:.2f} to {new.get(task, 0.0):.2f}"
    return True, f"held-out success rose {before.mean_success:.2f} → {after.mean_success:.2f}"


def _round_done(
    store: Store,
    metrics: RoundMetrics,
    on_round: Callable[[RoundMetrics], None] | None,
    *,
    suite: str,
    dataset_id: int | None,
    version_id: int | None,
) -> None:
    store.add_round(
        metrics=metrics.model_dump(mode="json"),
        workflow=suite,
        dataset_id=dataset_id,
        model_version_id=version_id,
        promoted=metrics.promoted,
        note=metrics.reason,
    )
    if on_round is not None:
        on_round(metrics)


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
