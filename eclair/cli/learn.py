"""`eclair improve` (the self-improvement loop) and `eclair bench grounding` (the scoring probe)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from eclair.bench.executors import EXECUTOR_HELP, parse_executor
from eclair.config import Settings, load_settings
from eclair.errors import EclairError
from eclair.types import TaskEnvironment

console = Console(stderr=True)


def suite_opener(settings: Settings) -> Callable[..., AbstractContextManager[list[TaskEnvironment]]]:
    """Open a suite by name for `eclair improve`: the named suites, and `explore:APP/SPLIT` (an explored app's
    proposed tasks, whose proposer checks them). Composed here: learn and explore do not import each other."""
    from eclair.explore.env import explore_envs
    from eclair.learn.suites import open_suite

    @contextmanager
    def opener(name: str, *, seed: int = 0) -> Iterator[list[TaskEnvironment]]:
        if name.startswith("explore:"):
            app, _, split = name.removeprefix("explore:").partition("/")
            yield list(explore_envs(settings, app, split or None))
            return
        with open_suite(name, seed=seed) as envs:
            yield envs

    return opener


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @app.command("improve")
    def improve_command(
        suite: str = typer.Option(
            ...,
            "--suite",
            help="miniwob-dev, demos, demos-smoke, curriculum[:N], TASKS, or explore:APP (an explored app's proposed "
            "tasks: rollouts on its train split, promotion on its heldout split, the proposer's check as the reward).",
        ),
        rounds: int = typer.Option(2, "--rounds", min=1),
        k: int = typer.Option(4, "--k", min=1, help="Rollouts per task per round."),
        siblings: int = typer.Option(
            1, "--siblings", min=1, help="Rollouts per seed (>1 samples a start state again: DPO pairs)."
        ),
        eval_episodes: int = typer.Option(5, "--eval-episodes", min=1, help="Held-out seeds per task (promotion)."),
        report_episodes: int = typer.Option(
            None, "--report-episodes", min=0, help="Report seeds per task after the rounds (default: as eval; 0: skip)."
        ),
        fit_weights: bool = typer.Option(
            True, "--fit-weights/--no-fit-weights", help="Also fit the agent's feature weights each round."
        ),
        reward: str = typer.Option("critic", "--reward", help="critic (no ground truth) or env (benchmark checker)."),
        temperature: float = typer.Option(0.5, "--temperature", help="Initial sampling temperature."),
        device: str = typer.Option("cpu", "--device", help="cpu or cuda."),
        budget_minutes: float = typer.Option(None, "--budget-minutes", help="Stop starting rounds after this."),
        guard: str = typer.Option(None, "--guard", help="A suite that must not regress (e.g. demos-smoke)."),
        max_train_steps: int = typer.Option(-1, "--max-train-steps", help="Cap training steps per round."),
        epochs: float = typer.Option(2.0, "--epochs"),
        objective: str = typer.Option(
            "rank",
            "--objective",
            help="rank (the agent's choice among its candidates; measured to rise where sft did not), sft or sft+rank.",
        ),
        seed: int = typer.Option(0, "--seed"),
        workers: int = typer.Option(1, "--workers", min=1, help="Browser contexts per rollout/eval suite."),
        executor: str = typer.Option("threads", "--executor", help=EXECUTOR_HELP),
        agent: str = typer.Option(None, "--agent", help="The agent rolled out and evaluated (default: settings)."),
        base_model: str = typer.Option("embedded", "--base-model", help="The model each round's LoRA trains on."),
        out: Path = typer.Option(Path("bench-out/improve"), "--out", help="Datasets, adapters, plots."),
        json_path: Path = typer.Option(None, "--json", help="Write the per-round metrics here."),
    ) -> None:
        """Rollouts → critic labels → mine → train (TRL + PEFT LoRA) → held-out eval → promote if better."""
        from eclair.learn.loop import ImproveConfig, RoundMetrics, improve
        from eclair.learn.plot import plot_rounds
        from eclair.learn.train import OBJECTIVES
        from eclair.store import Store

        if reward not in ("critic", "env"):
            raise EclairError(f"--reward {reward!r} is not critic or env")
        if device not in ("cpu", "cuda"):
            raise EclairError(f"--device {device!r} is not cpu or cuda")
        if objective not in OBJECTIVES:
            raise EclairError(f"--objective {objective!r} is not one of {', '.join(OBJECTIVES)}")
        parse_executor(executor)
        settings = load_settings(device=device)
        eval_suite = None
        if suite.startswith("explore:") and "/" not in suite:  # learn on the train split, promote on the heldout one
            suite, eval_suite = f"{suite}/train", f"{suite}/heldout"
        cfg = ImproveConfig(
            suite=suite,
            eval_suite=eval_suite,
            report_episodes=report_episodes,
            fit_weights=fit_weights,
            rounds=rounds,
            k=k,
            siblings=siblings,
            eval_episodes=eval_episodes,
            reward=reward,  # type: ignore[arg-type]
            temperature=temperature,
            device=device,
            budget_minutes=budget_minutes,
            guard_suite=guard,
            seed=seed,
            workers=workers,
            executor=executor,
            agent=agent,
            base_model=base_model,
            train={"max_steps": max_train_steps, "epochs": epochs, "objective": objective},
        )

        def show(metrics: RoundMetrics) -> None:
            verdict = "promoted" if metrics.promoted else "kept the old model"
            console.print(
                f"round {metrics.round}: rollouts {metrics.rollout_success:.0%}, pass@{k} "
                f"{metrics.pass_at_k:.0%}, held-out {metrics.heldout_before:.0%} → "
                f"{metrics.heldout_after:.0%}, {verdict} ({metrics.reason})"
            )

        result = improve(
            cfg,
            settings,
            store=Store(settings),
            work_dir=out,
            suites=suite_opener(settings),
            on_round=show,
            on_message=console.print,
        )
        table = Table(title=f"eclair improve --suite {suite} --reward {reward} --objective {objective}")
        for col in (
            "round",
            "T",
            "rollout success",
            "pass@K",
            "uniq/task",
            "critic prec.",
            "data",
            "rank rows",
            "rank loss",
            "held-out before",
            "held-out after",
            "promoted",
            "train s",
        ):
            table.add_column(col)
        for m in result.rounds:
            table.add_row(
                str(m.round),
                f"{m.temperature:g}",
                f"{m.rollout_success:.0%}",
                f"{m.pass_at_k:.0%}",
                f"{m.unique_successes:.1f}",
                "-" if m.critic_precision is None else f"{m.critic_precision:.2f}",
                str(m.dataset_size),
                str(m.rank_examples),
                _fmt(m.rank_loss),
                f"{m.heldout_before:.0%}",
                f"{m.heldout_after:.0%}",
                "yes" if m.promoted else "no",
                f"{m.train_seconds:.0f}",
            )
        Console().print(table)
        out.mkdir(parents=True, exist_ok=True)
        png = plot_rounds(result, out / "learning-curve.png")
        payload = result.model_dump(mode="json")
        (json_path or out / "improve.json").parent.mkdir(parents=True, exist_ok=True)
        (json_path or out / "improve.json").write_text(json.dumps(payload, indent=2))
        if result.report_before is not None:
            typer.echo(
                f"report seeds from {result.report_seed}: {result.report_before:.0%} (starting model) → "
                f"{result.report_after:.0%} (promoted model)"
            )
        typer.echo(f"promoted model: {result.promoted_model}\nlearning curve: {png}")

    @bench.command("grounding")
    def grounding_command(
        trials: int = typer.Option(40, "--trials", min=1),
        buttons: int = typer.Option(6, "--buttons", min=2),
        seed: int = typer.Option(0, "--seed"),
        model: str = typer.Option(None, "--model"),
        json_path: Path = typer.Option(None, "--json"),
    ) -> None:
        """The grounding probe: seeded synthetic pages with known answers, accuracy per prompt format."""
        from eclair.models import load_backend
        from eclair.plugins import probe

        run_probe = probe("grounding")

        settings = load_settings(model=model)
        report = run_probe(load_backend(settings), trials=trials, n_buttons=buttons, seed=seed)
        table = Table(title=f"grounding probe: {trials} pages × {buttons} buttons (chance {1 / buttons:.0%})")
        for col in ("format", "correct", "accuracy", "median ms"):
            table.add_column(col)
        for row in report["rows"]:
            table.add_row(
                escape(row["format"]),
                f"{row['correct']}/{row['trials']}",
                f"{row['accuracy']:.0%}",
                f"{row['median_ms']:.0f}",
            )
        Console().print(table)
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(report, indent=2))


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
