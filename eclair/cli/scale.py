"""`eclair bench scale`: the same episodes on threads and on Ray at several worker counts (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @bench.command("scale")
    def bench_scale(
        executors: str = typer.Option("threads,ray", "--executor", help="Comma-separated: threads, ray, ray:ADDR."),
        workers: str = typer.Option("1,2,4", "--workers", help="Comma-separated worker counts."),
        tasks: str = typer.Option(None, "--tasks", help="MiniWoB++ tasks (default: four one- or two-step ones)."),
        episodes: int = typer.Option(1, "--episodes", min=1, help="Seeded episodes per task."),
        seed: int = typer.Option(0, "--seed", help="Episode e of every task uses seed+e."),
        agent: str = typer.Option(None, "--agent", help="scoring | eclair (default from settings)."),
        json_out: Path = typer.Option(None, "--json", help="Write the figures as JSON here."),
    ) -> None:
        """Episodes per minute for each executor and worker count, and Ray's wall time over the threads'."""
        from eclair.bench.executors import parse_executor
        from eclair.bench.scale import DEFAULT_TASKS, parse_counts, run_scale_benchmark
        from eclair.config import load_settings

        kinds = [part.strip() for part in executors.split(",") if part.strip()]
        for kind in kinds:
            parse_executor(kind)  # a bad one fails before anything starts
        counts = parse_counts(workers)

        def show(c: dict[str, Any]) -> None:
            typer.echo(
                f"{c['executor']:8s} workers={c['workers']}  {c['episodes']} episodes in {c['wall_s']:.1f} s  "
                f"= {c['episodes_per_min']:.2f} episodes/min  (success {c['success']:.0%}, errors {c['errors']}; "
                f"first back at {c['first_episode_back_s']:.0f} s"
                + (f"; Ray started in {c['ray_start_s']:.0f} s, not counted)" if c["ray_start_s"] is not None else ")")
            )

        figures = run_scale_benchmark(
            load_settings(),
            executors=kinds,
            workers=counts,
            tasks=tasks.split(",") if tasks else DEFAULT_TASKS,
            episodes=episodes,
            seed=seed,
            agent=agent,
            on_config=show,
        )
        for n, ratio in figures["ray_over_threads"].items():
            typer.echo(f"ray / threads wall time at {n} worker(s): {ratio:.2f}x")
        typer.echo(f"same outcomes in every configuration: {figures['same_outcomes']}")
        typer.echo(f"load average: {figures['load_avg_start']} at start, {figures['load_avg_end']} at end")
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(figures, indent=1))
            typer.echo(f"json: {json_out}")
