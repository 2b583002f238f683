"""`eclair improve`: rounds of rollouts → labels → mining → training → held-out evaluation → promotion.

Every round trains a fresh LoRA from the base model on all data mined so far (ReST-EM) and, where the agent's
package registers a fitter, fits the agent's feature weights from the same good steps into the adapter's
directory. It evaluates the candidate greedily on held-out seeds against the current model and promotes it only
when held-out success rises and no guard task falls by more than the margin. The figure reported at the end comes
from a third set of seeds that no promotion decision saw. Per-round metrics (B-STaR style) pick the next round's
sampling temperature.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

from eclair.bench.harness import SuiteResult, run_suite
from eclair.config import Settings
from eclair.critics import default_panel
from eclair.learn.mine import good_steps, label_runs, mine
from eclair.learn.rounds import (
    HELD_OUT_SEED,
    REPORT_SEED,
    ImproveConfig,
    ImproveResult,
    RoundMetrics,
    critic_quality,
    decide_promotion,
    next_temperature,
    rollout_stats,
)
from eclair.learn.suites import open_suite
from eclair.learn.train import TrainConfig, TrainResult, train_adapter
from eclair.models.compute import on_compute_thread
from eclair.models.current import current_model, set_current_model
from eclair.models.local import resolve_model_path
from eclair.plugins import make_agent, weight_fitter
from eclair.store import Store
from eclair.types import StepRecord, TaskEnvironment

__all__ = ["ImproveConfig", "ImproveResult", "RoundMetrics", "SuiteOpener", "decide_promotion", "improve"]

log = logging.getLogger(__name__)

SuiteOpener = Callable[..., AbstractContextManager[list[TaskEnvironment]]]  # (name, *, seed) → its environments


def improve(
    cfg: ImproveConfig,
    settings: Settings,
    *,
    store: Store,
    work_dir: Path,
    suites: SuiteOpener = open_suite,
    on_round: Callable[[RoundMetrics], None] | None = None,
    on_message: Callable[[str], None] = log.info,
) -> ImproveResult:
    """Run the rounds; `suites` opens a suite by name (the CLI passes one that also knows explored apps)."""
    return _Improver(cfg, settings, store, work_dir, on_message).run(suites, on_round)


class _Improver:
    def __init__(
        self, cfg: ImproveConfig, settings: Settings, store: Store, work_dir: Path, say: Callable[[str], None]
    ) -> None:
        self.cfg, self.settings, self.store, self.work_dir, self.say = cfg, settings, store, work_dir, say
        self.started = time.perf_counter()
        self.current = settings.model or current_model(settings)  # the named model, else the last promoted one
        self.base_dir = resolve_model_path(cfg.base_model, settings)
        self.agent_name = cfg.agent or settings.agent
        self.train_cfg = TrainConfig(device=cfg.device, seed=cfg.seed, **cfg.train)
        self.fitter = weight_fitter(self.agent_name) if cfg.fit_weights else None
        self.sft: list[dict[str, str]] = []
        self.dpo: list[dict[str, str]] = []
        self.rank: list[dict[str, Any]] = []
        self.good: list[StepRecord] = []  # the good steps of every successful rollout: the weight fit's data

    def evaluate(self, model: str, envs: list[Any], label: str, seed: int = HELD_OUT_SEED) -> SuiteResult:
        cfg = self.cfg
        episodes = cfg.eval_episodes if seed == HELD_OUT_SEED else (cfg.report_episodes or cfg.eval_episodes)
        self.say(f"evaluating {label} on {len(envs)} tasks × {episodes} seeds from {seed + cfg.seed}")
        tag = "heldout" if seed == HELD_OUT_SEED else "report"
        return run_suite(
            envs,
            agent_name=self.agent_name,
            settings=self.settings,
            episodes=episodes,
            seed=seed + cfg.seed,
            workers=cfg.workers,
            executor=cfg.executor,
            store=self.store,
            model=model,
            suite=f"{cfg.eval_suite or cfg.suite}/{tag}",
            agent_factory=lambda b: make_agent(self.agent_name, b),
        )

    def run(self, suites: SuiteOpener, on_round: Callable[[RoundMetrics], None] | None) -> ImproveResult:
        cfg = self.cfg
        with ExitStack() as stack:
            envs = stack.enter_context(suites(cfg.suite, seed=cfg.seed))
            eval_envs = stack.enter_context(suites(cfg.eval_suite, seed=cfg.seed)) if cfg.eval_suite else envs
            guard_envs = stack.enter_context(suites(cfg.guard_suite, seed=cfg.seed)) if cfg.guard_suite else []
            start_model = self.current
            before = self.evaluate(self.current, eval_envs, "the current model")
            guard_before = self.evaluate(self.current, guard_envs, "guard tasks") if guard_envs else None
            result = ImproveResult(config=cfg, base_heldout=before.mean_success, promoted_model=self.current)
            temperature = cfg.temperature
            for round_no in range(1, cfg.rounds + 1):
                if cfg.budget_minutes and (time.perf_counter() - self.started) / 60 > cfg.budget_minutes:
                    self.say(f"budget of {cfg.budget_minutes} min used; stopping before round {round_no}")
                    break
                metrics, after, guard_after = self.round(
                    round_no, temperature, (envs, eval_envs, guard_envs), before, guard_before
                )
                result.rounds.append(metrics)
                if on_round is not None:
                    on_round(metrics)
                if metrics.promoted and after is not None:
                    self.current, before, guard_before = metrics.model_after, after, guard_after
                    result.promoted_model = self.current
                temperature = next_temperature(temperature, metrics.rollout_success, metrics.unique_successes, cfg.k)
            if cfg.report_episodes != 0:
                self.report(result, start_model, eval_envs)
        return result

    def report(self, result: ImproveResult, start_model: str, envs: list[Any]) -> None:
        """The starting and the final model on seeds no promotion decision saw (once when they are the same)."""
        start = self.evaluate(start_model, envs, "the starting model (report seeds)", REPORT_SEED)
        final = start
        if result.promoted_model != start_model:
            final = self.evaluate(result.promoted_model, envs, "the promoted model (report seeds)", REPORT_SEED)
        result.report_seed = REPORT_SEED + self.cfg.seed
        result.report_before, result.report_after = start.mean_success, final.mean_success

    def round(
        self,
        round_no: int,
        temperature: float,
        suites: tuple[list[Any], list[Any], list[Any]],
        before: SuiteResult,
        guard_before: SuiteResult | None,
    ) -> tuple[RoundMetrics, SuiteResult | None, SuiteResult | None]:
        """One round; returns its metrics and, when a candidate was trained, its held-out and guard results."""
        envs, eval_envs, guard_envs = suites
        t_round = time.perf_counter()
        rollouts = self.rollout(round_no, temperature, envs)
        success, pass_k, unique = rollout_stats(rollouts)
        precision, recall = critic_quality(self.store, rollouts)
        dataset_id, paths = self.mine(round_no, rollouts)
        metrics = RoundMetrics(
            round=round_no,
            temperature=temperature,
            model_before=self.current,
            model_after=self.current,
            rollout_success=success,
            pass_at_k=pass_k,
            unique_successes=unique,
            critic_precision=precision,
            critic_recall=recall,
            dataset_size=0,
            dpo_pairs=0,
            rank_examples=len(self.rank),
            heldout_before=before.mean_success,
            heldout_after=before.mean_success,
            guard_before=guard_before.mean_success if guard_before else None,
            promoted=False,
            reason="",
            train_seconds=0.0,
            round_seconds=0.0,
        )
        if not (self.rank if self.train_cfg.objective == "rank" else self.sft):
            metrics.reason = "no successful rollouts to learn from"
            if self.sft and not self.rank:
                metrics.reason = "no successful step chose among 2+ scored candidates (no rank rows)"
            metrics.round_seconds = time.perf_counter() - t_round
            self.store_round(metrics, dataset_id, None)
            return metrics, None, None
        trained = self.train(round_no, paths)
        metrics.weights_fit = self.fit_weights(trained.adapter_dir)
        candidate = str(trained.adapter_dir)
        after = self.evaluate(candidate, eval_envs, f"round {round_no}'s adapter")
        guard_after = self.evaluate(candidate, guard_envs, "guard tasks") if guard_envs else None
        ok, metrics.reason = decide_promotion(before, after, guard_before, guard_after, self.cfg.guard_margin)
        version = self.store.add_model_version(
            f"{self.cfg.suite}-round-{round_no}",
            base=self.cfg.base_model,
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
                "weights_fit": metrics.weights_fit,
            },
            promoted=False,
        )
        if ok:
            self.store.promote(version)
            note = f"promoted by eclair improve ({self.cfg.suite}, round {round_no})"
            set_current_model(self.settings, candidate, note=note)
        metrics.model_after = candidate if ok else self.current
        metrics.dataset_size, metrics.dpo_pairs, metrics.rank_loss = len(self.sft), len(self.dpo), trained.rank_loss
        metrics.heldout_after, metrics.promoted = after.mean_success, ok
        metrics.guard_after = guard_after.mean_success if guard_after else None
        metrics.train_seconds = trained.seconds
        metrics.round_seconds = time.perf_counter() - t_round
        self.store_round(metrics, dataset_id, version)
        return metrics, after, guard_after

    def rollout(self, round_no: int, temperature: float, envs: list[Any]) -> SuiteResult:
        cfg = self.cfg
        self.say(f"round {round_no}: {cfg.k} rollouts per task at temperature {temperature}")
        seed = cfg.seed * 10_000 + round_no * 1_000
        return run_suite(
            envs,
            agent_name=self.agent_name,
            settings=self.settings,
            episodes=cfg.k,
            seed=seed,
            siblings=cfg.siblings,
            workers=cfg.workers,
            executor=cfg.executor,
            store=self.store,
            critics=default_panel(),  # the labels of --reward critic, and the critic-precision monitor
            model=self.current,
            suite=f"{cfg.suite}/rollouts",
            agent_factory=lambda b: make_agent(self.agent_name, b, temperature=temperature, seed=seed),
        )

    def mine(self, round_no: int, rollouts: SuiteResult) -> tuple[int, dict[str, Path]]:
        """Label the round's runs, add what they teach to everything mined so far, write it; the dataset's id."""
        runs = [self.store.get_run(r.run_id) for r in rollouts.results if r.run_id]
        labelled = label_runs(self.store, runs, self.cfg.reward)
        mined = mine(labelled, cap_per_task=self.cfg.cap_per_task)
        self.sft.extend(mined.sft)
        self.dpo.extend(mined.dpo)
        self.rank.extend(mined.rank)
        self.good.extend(step for item in labelled if item.success for step in good_steps(item.steps))
        round_dir = self.work_dir / f"round-{round_no}"
        round_dir.mkdir(parents=True, exist_ok=True)
        paths = {name: round_dir / f"{name}.jsonl" for name in ("sft", "dpo", "rank")}
        for name, rows in (("sft", self.sft), ("dpo", self.dpo), ("rank", self.rank)):
            paths[name].write_text("".join(json.dumps(r) + "\n" for r in rows))
        dataset_id = self.store.add_dataset(
            f"{self.cfg.suite}-round-{round_no}",
            "sft+dpo",
            str(paths["sft"]),
            len(self.sft),
            {
                "runs": mined.runs_used,
                "reward": self.cfg.reward,
                "stats": mined.stats,
                "dpo_path": str(paths["dpo"]),
                "dpo_pairs": len(self.dpo),
                "rank_path": str(paths["rank"]),
                "rank_examples": len(self.rank),
                "good_steps": len(self.good),
                "objective": self.train_cfg.objective,
            },
        )
        return dataset_id, paths

    def train(self, round_no: int, paths: dict[str, Path]) -> TrainResult:
        self.say(
            f"round {round_no}: training ({self.train_cfg.objective}) on {len(self.sft)} examples, "
            f"{len(self.rank)} rank rows and {len(self.dpo)} pairs"
        )
        return on_compute_thread(  # the torch thread: one OpenMP team with the rollouts' model
            train_adapter,
            self.base_dir,
            paths["sft"],
            paths["sft"].parent / "adapter",
            self.train_cfg,
            dpo_path=paths["dpo"] if self.dpo else None,
            base_id=self.cfg.base_model,
            rank_path=paths["rank"] if self.rank else None,
        )

    def fit_weights(self, adapter_dir: Path) -> dict[str, Any] | None:
        """The agent's feature weights fitted from every good step so far, saved beside the adapter (its model
        version carries them); None when the agent's package registers no fitter."""
        if self.fitter is None:
            return None
        summary = self.fitter(self.good, adapter_dir, self.current)
        self.say(f"feature weights fitted on {summary.get('fit_rows', 0)} steps: {summary}")
        return dict(summary)

    def store_round(self, metrics: RoundMetrics, dataset_id: int | None, version_id: int | None) -> None:
        self.store.add_round(
            metrics=metrics.model_dump(mode="json"),
            workflow=self.cfg.suite,
            dataset_id=dataset_id,
            model_version_id=version_id,
            promoted=metrics.promoted,
            note=metrics.reason,
        )
