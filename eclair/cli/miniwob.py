"""`eclair bench miniwob …` (MiniWoB++ benchmark) and `eclair curriculum …` (synthetic practice tasks)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from eclair.bench.executors import EXECUTOR_HELP, parse_executor


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""

    @bench.command("miniwob")
    def bench_miniwob(
        tasks: str = typer.Option(None, "--tasks", help="Comma-separated MiniWoB++ task names."),
        task_set: str = typer.Option(
            None, "--set", help="dev (24 tasks), heldout (the 32 published-56 tasks outside dev), published56 or all."
        ),
        episodes: int = typer.Option(3, "--episodes", min=1, help="Seeded episodes per task."),
        seed: int = typer.Option(0, "--seed", help="Episode e of every task uses seed+e."),
        agent: str = typer.Option(None, "--agent", help="scoring | eclair (default from settings)."),
        backend: str = typer.Option(None, "--backend", help="local | openai (default from settings)."),
        model: str = typer.Option(None, "--model", help="embedded, a HF dir, a PEFT adapter dir, or a model name."),
        workers: int = typer.Option(1, "--workers", min=1, help="Browser contexts run in parallel."),
        executor: str = typer.Option("threads", "--executor", help=EXECUTOR_HELP),
        max_steps: int = typer.Option(None, "--max-steps", min=1, help="Cap on steps per episode."),
        critics: bool = typer.Option(True, "--critics/--no-critics", help="Run the default critic panel."),
        trace: bool = typer.Option(False, "--trace/--no-trace", help="Save a Playwright trace.zip per run."),
        json_out: Path = typer.Option(None, "--json", help="Write the JSON report here (PNG chart beside it)."),
        list_tasks: bool = typer.Option(False, "--list", help="Print the task names and sets, then exit."),
        report_from: Path = typer.Option(None, "--report-from", help="Only report a run's .episodes.jsonl."),
    ) -> None:
        """MiniWoB++ zero-shot success per task (binary reward), steps, wall time and tokens."""
        from eclair.bench import miniwob

        if report_from is not None:
            from eclair.bench.report import result_from_episodes, write_report

            result = result_from_episodes(report_from, suite="miniwob", agent=agent or "", model=model or "")
            out = json_out or report_from.with_name(report_from.name.replace(".episodes.jsonl", ".json"))
            _, table, png = write_report(result, out, "MiniWoB++")
            typer.echo(table + f"json: {out}  chart: {png}")
            return
        if list_tasks:
            typer.echo(f"dev ({len(miniwob.DEV_SET)}): {', '.join(miniwob.DEV_SET)}")
            typer.echo(f"heldout ({len(miniwob.HELDOUT)}): {', '.join(miniwob.HELDOUT)}")
            typer.echo(f"published56 ({len(miniwob.PUBLISHED_56)}): {', '.join(miniwob.PUBLISHED_56)}")
            typer.echo(f"all ({len(miniwob.all_tasks())}): {', '.join(miniwob.all_tasks())}")
            return
        names = miniwob.resolve_tasks(tasks, task_set)
        parse_executor(executor)  # a bad --executor fails before the server starts
        with miniwob.serve_miniwob() as server:
            envs = miniwob.make_envs(names, server)
            _run_and_report(
                envs,
                suite=f"miniwob/{task_set or ('custom' if tasks else 'dev')}",
                agent=agent,
                backend=backend,
                model=model,
                episodes=episodes,
                seed=seed,
                workers=workers,
                executor=executor,
                critics=critics,
                trace=trace,
                json_out=json_out,
                title="MiniWoB++",
                max_steps=max_steps,
            )

    @app.command("curriculum")
    def curriculum(
        n: int = typer.Option(20, "--n", min=1, help="How many task environments to generate."),
        seed: int = typer.Option(0, "--seed", help="Generation seed (same seed, same tasks)."),
        out: Path = typer.Option(None, "--out", help="Write each page as HTML plus tasks.jsonl here."),
        run: bool = typer.Option(False, "--run", help="Also run the agent on them and report success."),
        episodes: int = typer.Option(1, "--episodes", min=1, help="With --run: seeded episodes per task."),
        agent: str = typer.Option(None, "--agent", help="With --run: scoring | eclair."),
        backend: str = typer.Option(None, "--backend", help="With --run: local | openai."),
        model: str = typer.Option(None, "--model", help="With --run: the model."),
        workers: int = typer.Option(1, "--workers", min=1, help="With --run: parallel browser contexts."),
        json_out: Path = typer.Option(None, "--json", help="With --run: write the JSON report here."),
    ) -> None:
        """Generate synthetic practice pages and tasks with known answers (preview, or run an agent on them)."""
        from eclair.bench.curriculum import curriculum_envs, write_preview

        envs = curriculum_envs(n, seed)
        if out is not None:
            index = write_preview(envs, seed, out)
            typer.echo(f"wrote {len(envs)} pages and {index}")
        else:
            for env in envs:
                generated = env.generate(seed)
                typer.echo(f"{env.name:32s} {generated.text}")
        if run:
            _run_and_report(
                envs,
                suite="curriculum",
                agent=agent,
                backend=backend,
                model=model,
                episodes=episodes,
                seed=seed,
                workers=workers,
                critics=True,
                trace=False,
                json_out=json_out,
                title="Curriculum",
            )


def _run_and_report(
    envs: list,  # type: ignore[type-arg]
    *,
    suite: str,
    agent: str | None,
    backend: str | None,
    model: str | None,
    episodes: int,
    seed: int,
    workers: int,
    critics: bool,
    trace: bool,
    json_out: Path | None,
    title: str,
    max_steps: int | None = None,
    executor: str = "threads",
) -> None:
    from eclair.bench.harness import EpisodeResult, run_suite
    from eclair.bench.report import write_report
    from eclair.config import load_settings
    from eclair.store import Store

    settings = load_settings(agent=agent, backend=backend, model=model, max_steps=max_steps)
    store = Store(settings)
    panel = None
    if critics:
        from eclair.critics import default_panel

        panel = default_panel()

    if json_out is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        json_out = settings.data_dir / "bench" / f"{suite.replace('/', '-')}-{stamp}.json"
    partial = json_out.with_suffix(".episodes.jsonl")  # one line per finished episode: long runs lose nothing
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_text("")

    def progress(res: EpisodeResult) -> None:
        with partial.open("a") as fh:
            fh.write(res.model_dump_json() + "\n")
        mark = "ok  " if res.success else ("ERR " if res.error else "fail")
        typer.echo(
            f"{mark} {res.env} seed={res.seed} steps={res.steps} {res.wall_s:.1f}s run={res.run_id or '-'}"
            + (f"  ({res.error or res.stop_reason})" if (res.error or res.stop_reason) and not res.success else ""),
            err=True,
        )

    result = run_suite(
        envs,
        agent_name=settings.agent,
        settings=settings,
        episodes=episodes,
        seed=seed,
        workers=workers,
        store=store,
        critics=panel,
        on_result=progress,
        backend=backend,
        model=model,
        suite=suite,
        tracing=trace,
        executor=executor,
    )
    _, table, png = write_report(result, json_out, title)
    typer.echo(table)
    typer.echo(f"mean success over {len(result.per_task)} tasks: {result.mean_success:.1%}")
    typer.echo(f"json: {json_out}" + (f"  chart: {png}" if png else ""))
