"""CLI of the store room: `eclair runs list|show|resume|export|import`, `eclair db upgrade`, `eclair bench store`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from eclair.errors import EclairError
from eclair.types import RunStatus

STATUSES: tuple[RunStatus, ...] = ("pending", "running", "succeeded", "failed", "interrupted", "needs_review")


class RunsUsageError(EclairError):
    """A bad flag value for `eclair runs`."""


def _open_store():  # type: ignore[no-untyped-def]
    from eclair.config import load_settings
    from eclair.store import Store

    return Store(load_settings())


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.1f}s"


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""
    runs = typer.Typer(help="Recorded runs: list, show, export, import.", no_args_is_help=True)
    db = typer.Typer(help="The eclair database.", no_args_is_help=True)
    app.add_typer(runs, name="runs")
    app.add_typer(db, name="db")

    @runs.command("list")
    def list_runs(
        status: str = typer.Option(None, "--status", help=f"Only runs with this status: {', '.join(STATUSES)}."),
        limit: int = typer.Option(50, "--limit", help="At most this many, newest first."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
    ) -> None:
        """List runs, newest first (runs whose process died are marked interrupted first)."""
        if status is not None and status not in STATUSES:
            raise RunsUsageError(f"--status {status!r} is not a run status; use one of {', '.join(STATUSES)}")
        store = _open_store()
        store.mark_interrupted()
        infos = store.list_runs(status=status, limit=limit)
        if as_json:  # one JSON document in every state: `[]` on an empty store
            typer.echo(json.dumps([info.model_dump(mode="json") for info in infos]))
            return
        if not infos:
            typer.echo("no runs" + (f" with status {status}" if status else ""))
            return
        typer.echo(
            f"{'ID':<11} {'STATUS':<12} {'LABEL':<6} {'STEPS':>5} {'TOKENS':>8} {'WALL':>7}  {'CREATED':<19}  TASK"
        )
        for r in infos:
            task = r.task_text.replace("\n", " ")
            typer.echo(
                f"{r.id:<11} {r.status:<12} {r.label or '-':<6} {r.n_steps:>5} {r.tokens_in + r.tokens_out:>8} "
                f"{_seconds(r.wall_ms):>7}  {r.created_at:%Y-%m-%d %H:%M:%S}  {task[:60]}"
            )

    @runs.command("show")
    def show(
        run_id: str = typer.Argument(..., help="Run id (see `eclair runs list`)."),
        as_json: bool = typer.Option(False, "--json", help="Print the run and its steps as JSON."),
    ) -> None:
        """Show a run: task, status, totals (tokens, wall time) and one line per step attempt."""
        store = _open_store()
        info = store.get_run(run_id)
        steps = store.get_steps(run_id)
        if as_json:
            payload = {"run": info.model_dump(mode="json"), "steps": [s.model_dump(mode="json") for s in steps]}
            typer.echo(json.dumps(payload, indent=1))
            return
        step_ms = sum(
            s.timings.observe_ms + s.timings.decide_ms + s.timings.act_ms + s.timings.validate_ms for s in steps
        )
        typer.echo(
            f"run       {info.id}   status {info.status}   label {info.label or '-'}   review {info.review or '-'}"
        )
        typer.echo(f"task      {info.task_text}")
        if info.workflow or info.params:
            typer.echo(f"workflow  {info.workflow or '-'}   params {json.dumps(info.params)}")
        typer.echo(f"agent     {info.agent or '-'}   backend {info.backend or '-'}   model {info.model or '-'}")
        typer.echo(
            f"totals    {info.n_steps} steps ({info.n_attempts} attempts)   tokens in {info.tokens_in} "
            f"out {info.tokens_out}   wall {_seconds(info.wall_ms)} (steps {_seconds(step_ms)})"
        )
        if info.answer is not None:
            typer.echo(f"answer    {info.answer}")
        if info.error:
            typer.echo(f"error     {info.error}")
        typer.echo(f"traces    {info.trace_dir}")
        for s in steps:
            ok = "-" if s.result is None else ("ok" if s.result.ok else "ERR")
            labels = ",".join(f"{v.critic}:{v.label}" for v in s.verdicts) or "-"
            total = s.timings.observe_ms + s.timings.decide_ms + s.timings.act_ms + s.timings.validate_ms
            typer.echo(
                f"  {s.index:>3}.{s.attempt}  {s.decision.action.describe()[:50]:<50} {ok:<3} {total:>7.0f}ms  {labels}"
            )
        for index, verdict in store.get_verdicts(run_id):
            if index is None:
                typer.echo(f"  verdict {verdict.critic}: {verdict.label} ({verdict.score:.2f}) {verdict.reason}")

    @runs.command("resume")
    def resume(
        run_id: str = typer.Argument(..., help="An interrupted or failed run (see `eclair runs list`)."),
        mode: str = typer.Option("auto", "--mode", help="auto, replay (redo every action) or last-url."),
        as_json: bool = typer.Option(False, "--json", help="Print the run record as JSON."),
    ) -> None:
        """Continue a run from its last committed step, appending steps to it; exit 0 only when it then succeeds."""
        from eclair.cli.run import print_event
        from eclair.config import load_settings
        from eclair.resume import ResumePlan, resume_run

        how: dict[str, object] = {}

        def say(plan: ResumePlan, problems: list[str]) -> None:
            how.update(mode=plan.mode, why=plan.why, replayed=len(plan.replay), problems=problems)
            if not as_json:
                typer.echo(f"resuming {run_id}: {plan.mode} ({plan.why}); {len(plan.replay)} actions replayed")
                for problem in problems:
                    typer.echo(f"  replay: {problem}")

        settings = load_settings()
        outcome = resume_run(run_id, settings, mode=mode, on_event=None if as_json else print_event, on_plan=say)
        if as_json:
            record = _open_store().get_run(run_id).model_dump(mode="json")
            typer.echo(json.dumps({"run": record, "resume": how}, indent=2))
        else:
            typer.echo(f"run {run_id}: {outcome.status}" + (f" ({outcome.error})" if outcome.error else ""))
        raise typer.Exit(0 if outcome.status == "succeeded" else 1)

    @runs.command("export")
    def export(
        run_id: str = typer.Argument(..., help="Run id."),
        out: Path = typer.Option(..., "--out", help="The JSON-lines file to write."),
    ) -> None:
        """Export a run (steps, verdicts, reviews, file references) as portable JSON lines."""
        path = _open_store().export_run(run_id, out)
        typer.echo(f"exported {run_id} to {path}")

    @runs.command("import")
    def import_(path: Path = typer.Argument(..., help="A file written by `eclair runs export`.")) -> None:
        """Import an exported run in one transaction (nothing is imported if any line is bad)."""
        run_id = _open_store().import_run(path)
        typer.echo(f"imported {path} as run {run_id}")

    @db.command("upgrade")
    def upgrade() -> None:
        """Run the database migrations up to the latest revision (commands also do this on first use)."""
        store = _open_store()
        head = store.upgrade(force=True)
        from eclair.store.engine import safe_url

        typer.echo(f"database {safe_url(store.url)} at revision {head}")

    @bench.command("store")
    def bench_store(
        steps: int = typer.Option(200, "--steps", help="Steps per writer."),
        writers: int = typer.Option(8, "--writers", help="Concurrent writer threads in the second phase."),
        db: str = typer.Option("sqlite", "--db", help="sqlite, postgres (a throw-away local server) or both."),
        json_path: Path = typer.Option(None, "--json", help="Write the figures as JSON here."),
    ) -> None:
        """Time record_step (row + fsynced files) with one writer and with N concurrent writers."""
        from eclair.bench.store import run_store_comparison

        databases = [part.strip() for part in db.split(",") if part.strip()]
        if not databases or set(databases) - {"sqlite", "postgres"}:
            raise EclairError(f"--db {db!r} is not sqlite, postgres or sqlite,postgres")
        results = run_store_comparison(databases=databases, steps=steps, writers=writers)
        for name, figures in results.items():
            for key, value in figures.items():
                typer.echo(f"{name:<9} {key:<28} {value}")
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            payload = results["sqlite"] if databases == ["sqlite"] else results  # one database: the old flat shape
            json_path.write_text(json.dumps(payload, indent=1))
            typer.echo(f"json: {json_path}")
