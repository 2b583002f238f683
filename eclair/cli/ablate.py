"""`eclair bench ablate`: each policy feature switched off in turn, per suite; the model's share of decisions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add `eclair bench ablate` to the bench group."""

    @bench.command("ablate")
    def bench_ablate(
        suite: str = typer.Option(..., "--suite", help="Suites joined by + are ablated one by one (see improve)."),
        features: str = typer.Option(None, "--features", help="Comma list; default every feature with a weight."),
        episodes: int = typer.Option(1, "--episodes", min=1, help="Seeded episodes per task."),
        seed: int = typer.Option(0, "--seed", help="Episode e of every task uses seed+e."),
        agent: str = typer.Option("scoring", "--agent", help="An agent that exposes feature_names and weights."),
        model: str = typer.Option(None, "--model", help="embedded, a HF dir or a PEFT adapter dir."),
        workers: int = typer.Option(1, "--workers", min=1, help="Browser contexts run in parallel."),
        max_steps: int = typer.Option(None, "--max-steps", min=1, help="Cap on steps per episode."),
        json_out: Path = typer.Option(None, "--json", help="Write the JSON report here."),
    ) -> None:
        """Success with each feature off minus success with all on, per suite, and the model's share of decisions."""
        from eclair.bench.ablate import SuiteAblation, ablate_suite, ablation_table
        from eclair.bench.harness import SuiteResult, agent_factory, run_suite
        from eclair.config import load_settings
        from eclair.critics import default_panel
        from eclair.errors import EclairError
        from eclair.learn.suites import open_suite
        from eclair.store import Store

        settings = load_settings(agent=agent, model=model, max_steps=max_steps)
        probe = agent_factory(agent)(None)
        names = list(getattr(probe, "feature_names", []))
        weights = dict(getattr(probe, "weights", {}))
        if not names:
            raise EclairError(f"agent {agent!r} exposes no feature_names to ablate; use --agent scoring")
        wanted = [f.strip() for f in features.split(",")] if features else [n for n in names if weights.get(n)]
        unknown = [f for f in wanted if f not in names]
        if unknown:
            raise EclairError(f"unknown feature(s) {', '.join(unknown)}; choose from {', '.join(names)}")
        store = Store(settings)
        results: list[SuiteAblation] = []
        for part in [p.strip() for p in suite.split("+") if p.strip()]:
            with open_suite(part, seed=seed) as envs:

                def run(disabled: list[str], envs: list = envs, part: str = part) -> SuiteResult:  # type: ignore[type-arg]
                    typer.echo(f"{part}: {'all features' if not disabled else 'without ' + disabled[0]}", err=True)
                    return run_suite(
                        envs,
                        agent_name=agent,
                        settings=settings,
                        episodes=episodes,
                        seed=seed,
                        workers=workers,
                        store=store,
                        critics=default_panel(),
                        backend=settings.backend,
                        model=settings.model or None,
                        agent_factory=agent_factory(agent, disabled_features=disabled),
                        suite=f"ablate/{part}",
                    )

                def steps_of(result: SuiteResult) -> list:  # type: ignore[type-arg]
                    return [s for r in result.results if r.run_id for s in store.get_steps(r.run_id)]

                def show(row: object) -> None:
                    typer.echo(f"  {row.feature}: {row.success:.1%} ({row.delta:+.1%})", err=True)  # type: ignore[attr-defined]

                results.append(ablate_suite(part, wanted, weights, run, steps_of, show))
        table = ablation_table(results)
        typer.echo(table)
        if json_out is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            json_out = settings.data_dir / "bench" / f"ablate-{stamp}.json"
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text("[" + ",\n".join(r.model_dump_json(indent=2) for r in results) + "]\n")
        typer.echo(f"json: {json_out}")
