"""`eclair serve-demos` (the three demo enterprise apps) and `eclair bench demos` (their workflow suite)."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType
from typing import Any

import typer

from eclair.bench.executors import EXECUTOR_HELP, parse_executor


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""

    @app.command("serve-demos")
    def serve_demos(
        port: int = typer.Option(8040, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0 picks a free one)."),
    ) -> None:
        """Serve the Helpdesk, Clinic and Procurement demo apps until Ctrl-C."""
        from eclair.plugins import environments

        signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops the server as cleanly as Ctrl-C
        with environments().serve(port=port) as server:
            for line in environments().server_banner(server.base_url):
                typer.echo(line)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                typer.echo("stopped")

    @bench.command("demos")
    def bench_demos(
        suite: str = typer.Option("smoke", "--suite", help="smoke, all, an app name, or comma-separated workflow ids."),
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
        list_workflows: bool = typer.Option(False, "--list", help="Print the workflows and suites, then exit."),
    ) -> None:
        """Success rate per demo workflow (fresh seeded app state per episode), steps, wall time and tokens."""
        from eclair.plugins import environments

        bench_family(
            environments(),
            suite,
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


def bench_family(family: Any, workflow_set: str, list_only: bool, **run_options: Any) -> None:
    """`eclair bench demos` and `eclair bench <family>`: list the family's sets and workflows, or serve its apps,
    run one set and report it."""
    if list_only:
        for name, ids in family.suites().items():
            typer.echo(f"{name} ({len(ids)}): {', '.join(ids)}")
        for workflow_id, description in family.workflows().items():
            typer.echo(f"  {workflow_id:36s} {description}")
        return
    ids = family.resolve(workflow_set)  # unknown ids fail here, before anything starts
    parse_executor(run_options.get("executor"))  # so does a bad --executor
    with family.serve() as server:
        envs = [family.make_env(workflow_id, server.base_url) for workflow_id in ids]
        _run_and_report(envs, f"{family.name}/{workflow_set}", **run_options)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _run_and_report(
    envs: list,  # type: ignore[type-arg]
    suite: str,
    agent: str | None,
    backend: str | None,
    model: str | None,
    episodes: int,
    seed: int,
    workers: int,
    executor: str,
    max_steps: int | None,
    critics: bool,
    json_out: Path | None,
) -> None:
    from eclair.bench.harness import EpisodeResult, run_suite
    from eclair.bench.report import write_report
    from eclair.config import load_settings
    from eclair.store import Store

    settings = load_settings(agent=agent, backend=backend, model=model, max_steps=max_steps)
    panel = None
    if critics:
        from eclair.critics import default_panel

        panel = default_panel()

    def progress(res: EpisodeResult) -> None:
        mark = "ok  " if res.success else ("ERR " if res.error else "fail")
        typer.echo(
            f"{mark} {res.env} seed={res.seed} steps={res.steps} {res.wall_s:.1f}s run={res.run_id or '-'}", err=True
        )

    result = run_suite(
        envs,
        agent_name=settings.agent,
        settings=settings,
        episodes=episodes,
        seed=seed,
        workers=workers,
        executor=executor,
        store=Store(settings),
        critics=panel,
        on_result=progress,
        backend=backend,
        model=model,
        suite=suite,
    )
    if json_out is None:
        stamp = result.started_at[:19].replace(":", "")
        json_out = settings.data_dir / "bench" / f"{suite.replace('/', '-').replace(',', '_')}-{stamp}.json"
    _, table, png = write_report(result, json_out, "Demo workflows")
    typer.echo(table)
    typer.echo(f"mean success over {len(result.per_task)} workflows: {result.mean_success:.1%}")
    typer.echo(f"json: {json_out}" + (f"  chart: {png}" if png else ""))
