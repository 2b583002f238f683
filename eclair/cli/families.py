"""`eclair bench <family>` for every environment family an installed package registers (besides the demos).

A family (see eclair/plugins.py) names its sets of workflows; `--set` picks one, and the run and report are the
same as `eclair bench demos`. eclair never imports a family's package: it is found through its entry point.
"""

from __future__ import annotations

from pathlib import Path

import typer

from eclair.bench.executors import EXECUTOR_HELP

OWN_COMMANDS = {"demos"}  # families that have a command of their own


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add `bench NAME` for each registered environment family without a command of its own."""
    from eclair.plugins import environment_names

    for name in environment_names():
        if name not in OWN_COMMANDS:
            _register_family(bench, name)


def _register_family(bench: typer.Typer, family_name: str) -> None:
    @bench.command(family_name, help=f"Success rate per {family_name} workflow; --set picks dev, holdout or all.")
    def bench_family(
        workflow_set: str = typer.Option("dev", "--set", help="A set (e.g. dev, holdout, all), an app, or ids."),
        episodes: int = typer.Option(1, "--episodes", min=1, help="Seeded episodes per workflow."),
        seed: int = typer.Option(0, "--seed", help="Episode e of every workflow uses seed+e."),
        agent: str = typer.Option(None, "--agent", help="scoring | eclair (default from settings)."),
        backend: str = typer.Option(None, "--backend", help="local | openai (default from settings)."),
        model: str = typer.Option(None, "--model", help="embedded, a HF dir, a PEFT adapter dir, or a model name."),
        workers: int = typer.Option(1, "--workers", min=1, help="Browser contexts run in parallel."),
        executor: str = typer.Option("threads", "--executor", help=EXECUTOR_HELP),
        max_steps: int = typer.Option(None, "--max-steps", min=1, help="Cap on steps per episode."),
        critics: bool = typer.Option(True, "--critics/--no-critics", help="Run the default critic panel."),
        json_out: Path = typer.Option(None, "--json", help="Write the JSON report here (PNG chart beside it)."),
        list_workflows: bool = typer.Option(False, "--list", help="Print the sets and workflows, then exit."),
    ) -> None:
        from eclair.cli.demos import bench_family
        from eclair.plugins import environments

        bench_family(
            environments(family_name),
            workflow_set,
            list_workflows,
            agent=agent,
            backend=backend,
            model=model,
            episodes=episodes,
            seed=seed,
            workers=workers,
            executor=executor,
            max_steps=max_steps,
            critics=critics,
            json_out=json_out,
        )
