"""`eclair bench critic`: measure the critics against ground truth (checker verdicts, reviews) in a store."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import typer

from eclair.errors import EclairError

log = logging.getLogger(__name__)


class NotEnoughLabels(EclairError):
    """The store has too few labelled runs to measure anything."""


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""

    @bench.command("critic")
    def bench_critic(
        db: str = typer.Option(
            None, "--db", help="Database URL of the store to measure (default: the configured one)."
        ),
        generate: int = typer.Option(
            0, "--generate", help="First run N seeds of scripted correct/incorrect demo workflows into the store."
        ),
        min_runs: int = typer.Option(
            20, "--min-runs", help="With fewer labelled runs in the store, generate one seed of demo runs (0: never)."
        ),
        workflows: str = typer.Option("all", "--workflows", help="Demo suite or comma-separated workflow ids."),
        judge: bool = typer.Option(True, "--judge/--no-judge", help="Also measure the model judges."),
        backend: str = typer.Option(None, "--backend", help="Judge backend: local | openai."),
        model: str = typer.Option(None, "--model", help="Judge model (default: the embedded one)."),
        judge_sample: int = typer.Option(
            30, "--judge-sample", help="Items per set on which the model judges also run alone (slow on a CPU)."
        ),
        limit: int = typer.Option(500, "--limit", help="Read at most this many runs from the store."),
        seed: int = typer.Option(0, "--seed", help="Seed for sampling steps and synthetic negatives."),
        out_dir: Path = typer.Option(Path("benchmarks/results"), "--out", help="Folder for the PNG curves."),
        json_path: Path = typer.Option(None, "--json", help="Write the full result as JSON here."),
        fit_combiner: Path = typer.Option(
            None, "--fit-combiner", help="Fit the task combination rule on all labelled runs and write it here."
        ),
    ) -> None:
        """Precision/recall/F1 of every step and task critic, combined labels, and the calibrated threshold."""
        from eclair.bench.critic import run_bench
        from eclair.bench.critic_data import labelled_steps, load_store_runs, synthetic_runs
        from eclair.config import load_settings
        from eclair.store import Store

        settings = load_settings(db_url=db)
        store = Store(settings)
        workflow_ids = _workflow_ids(workflows)
        labelled = load_store_runs(store, limit=limit)
        seeds = list(range(1000, 1000 + max(generate, 1 if len(labelled) < min_runs else 0)))
        if seeds:
            from eclair.bench.critic_generate import generate_demo_runs

            typer.echo(f"generating {len(workflow_ids) * len(seeds) * 4} scripted demo runs …")
            generate_demo_runs(settings, store, workflows=workflow_ids, seeds=seeds, on_run=_print_run)
            labelled = load_store_runs(store, limit=limit)
        if len(labelled) < 2 or len({r.success for r in labelled}) < 2:
            raise NotEnoughLabels(
                f"{settings.database_url} has {len(labelled)} labelled runs (need successes and failures); "
                "run `eclair bench critic --generate 1` or a benchmark that stores checker verdicts"
            )
        rng = random.Random(seed)
        steps = labelled_steps(labelled, rng)
        runs = labelled + synthetic_runs(labelled, rng)
        judge_backend = None
        if judge:
            from eclair.models import load_backend

            judge_backend = load_backend(settings, backend=backend, model=model)
        result = run_bench(
            runs, steps, judge_backend=judge_backend, out_dir=out_dir, seed=seed, judge_sample=judge_sample
        )
        typer.echo(result.markdown)
        head = result.data["headline"]
        cal = result.data["calibration"]
        typer.echo(
            f"\ntask labels ({head['critic']}): precision {_f(head['task_precision'])}, "
            f"recall {_f(head['task_recall'])}, unsure rate {_f(head['unsure_rate'])}, false exit-0 rate "
            f"{_f(head['false_success_rate'])} (goal precision ≥ 0.95 at recall ≥ 0.8: "
            f"{'met' if head['goal_met'] else 'not met'}); hand-set mean: calibrated threshold {cal['threshold']}"
        )
        if fit_combiner is not None:
            path = _fit_and_save(labelled, fit_combiner, settings.database_url)
            typer.echo(f"combination rule fitted on {len(labelled)} runs: {path}")
        typer.echo("curves: " + ", ".join(str(p) for p in result.pngs))
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(result.data, indent=1))
            typer.echo(f"wrote {json_path}")


def _fit_and_save(labelled: list, path: Path, source: str) -> Path:  # type: ignore[type-arg]
    """The shipped rule: fitted on every labelled run, with where it came from."""
    import subprocess
    from datetime import UTC, datetime

    from eclair.bench.critic_loao import judge_runs
    from eclair.critics.combiner import fit_combiner
    from eclair.critics.task_rules import default_task_rules
    from eclair.critics.verify import VerificationCritic

    critics = [*default_task_rules(), VerificationCritic()]
    judged = judge_runs(labelled, critics)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    provenance = {
        "command": "eclair bench critic --fit-combiner",
        "commit": commit,
        "store": source.rsplit("/", 1)[-1],
        "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "families": sorted({r.family for r in labelled}),
        "sources": sorted({r.source for r in labelled}),
    }
    combiner = fit_combiner(
        [j.verdicts for j in judged], [r.success for r in labelled], [c.name for c in critics], provenance=provenance
    )
    return combiner.save(path)


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def _print_run(run: object) -> None:
    typer.echo(f"  {run.workflow} seed {run.seed} {run.variant}: {'pass' if run.success else 'fail'}")  # type: ignore[attr-defined]


def _workflow_ids(spec: str) -> list[str]:
    from eclair.plugins import environments

    return environments().resolve(spec)
