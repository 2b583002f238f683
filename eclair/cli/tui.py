"""`eclair` (no arguments) opens the TUI; `eclair watch ID` follows a run; `eclair review …` works without the TUI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from eclair.config import Settings, load_settings


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""
    review = typer.Typer(help="Approve or reject finished runs (reviews override critics in training data).")
    app.add_typer(review, name="review")

    @bench.command("tui")
    def bench_tui(
        runs: int = typer.Option(200, "--runs", help="Synthetic runs to fill the throw-away store with."),
        json_path: Path | None = typer.Option(None, "--json", help="Write the figures here as JSON."),
    ) -> None:
        """Time the store reads behind Home, Live run and the Review queue on a store of N runs."""
        from eclair.bench.tui import measure_store_reads

        result = measure_store_reads(load_settings(), runs=runs)
        typer.echo(
            f"{runs} runs: home list {result['home_list_runs_30_ms']} ms, live steps {result['live_get_steps_ms']} ms,"
            f" review queue {result['review_queue_ms']} ms (medians)"
        )
        if json_path is not None:
            json_path.write_text(json.dumps(result, indent=2))

    @app.command("tui")
    def tui() -> None:
        """Open the terminal UI (the same as running `eclair` with no arguments)."""
        open_home()

    @app.command("watch")
    def watch(run_id: str = typer.Argument(..., help="Run id, as `eclair runs` lists it.")) -> None:
        """Follow a run started elsewhere, live, from the store."""
        from eclair.store import Store
        from eclair.tui.app import EclairApp

        settings = load_settings()
        store = Store(settings)
        store.get_run(run_id)  # an unknown id is a one-line error, not an empty screen
        EclairApp(settings, store=store, watch_run=run_id).run()

    @review.command("approve")
    def approve(
        run_id: str = typer.Argument(..., help="Run id."),
        note: str = typer.Option("", "--note", "-n", help="Why it is good (optional)."),
        reviewer: str = typer.Option("", "--reviewer", help="Who reviewed it."),
    ) -> None:
        """Mark a run as approved."""
        _review(run_id, "approved", note, reviewer)

    @review.command("reject")
    def reject(
        run_id: str = typer.Argument(..., help="Run id."),
        note: str = typer.Option(..., "--note", "-n", help="What went wrong (required)."),
        reviewer: str = typer.Option("", "--reviewer", help="Who reviewed it."),
    ) -> None:
        """Mark a run as rejected; the note says why."""
        _review(run_id, "rejected", note, reviewer)

    @review.command("queue")
    def queue(
        approve_passed: bool = typer.Option(
            False, "--approve-passed", help="Approve every queued run whose critics all passed."
        ),
    ) -> None:
        """List finished runs nobody has reviewed, most uncertain first."""
        from eclair.store import Store
        from eclair.tui.review_queue import bulk_approve_passed, runs_needing_review

        store = Store(load_settings())
        if approve_passed:
            approved = bulk_approve_passed(store, reviewer="cli")
            typer.echo(f"approved {len(approved)} run(s): {' '.join(approved)}".rstrip(": "))
            return
        entries = runs_needing_review(store)
        for entry in entries:
            run = entry.run
            passed = "all-pass" if entry.all_passed else ""
            typer.echo(
                f"{run.id}\t{run.status}\t{entry.task_label}\t{entry.uncertainty:.2f}\t{passed}\t{run.task_text}"
            )
        typer.echo(f"{len(entries)} run(s) need review", err=True)


def _review(run_id: str, decision: str, note: str, reviewer: str) -> None:
    from eclair.store import Store
    from eclair.tui.review_queue import write_review

    store = Store(load_settings())
    write_review(store, run_id, decision, note=note, reviewer=reviewer or "cli")  # type: ignore[arg-type]
    typer.echo(f"run {run_id} {decision}")


def open_home() -> None:
    """Open the TUI on its Home screen."""
    from eclair.tui.app import EclairApp

    EclairApp(load_settings()).run()


def _run_prepared_in_tui(request: Any, settings: Settings) -> int:
    """Start the TUI on the live view of this request; exit code 0 only when the run succeeded."""
    from eclair.store import Store
    from eclair.tui.app import EclairApp
    from eclair.tui.launch import prepare_run

    prepared = prepare_run(request, settings)  # bad input raises a one-line EclairError before the UI opens
    store = Store(settings)
    before = {r.id for r in store.list_runs(limit=5)}
    EclairApp(settings, store=store, initial_run=prepared).run()
    latest = [r for r in store.list_runs(limit=5) if r.id not in before]
    if latest:
        typer.echo(f"run {latest[0].id}: {latest[0].status}; trace: {latest[0].trace_dir}")
    return 0 if latest and latest[0].status == "succeeded" else 1


def run_in_tui(task: str, url: str | None, settings: Settings, *, workflow: str | None = None) -> int:
    """`eclair run` with the TUI: the Live run screen follows the run."""
    from eclair.store import Store
    from eclair.tui.launch import RunRequest

    if workflow and not url:
        saved = Store(settings).get_workflow(workflow)
        url = saved.start_url if saved else None
    request = RunRequest(
        description=task,
        start_url=url or "",
        workflow=workflow or "",
        agent=settings.agent,
        backend=settings.backend,
        model=settings.model,
    )
    return _run_prepared_in_tui(request, settings)


def run_demo_in_tui(workflow_id: str, settings: Settings, *, seed: int = 0) -> int:
    """`eclair demo` with the TUI: a demo workflow on the demo apps, watched live."""
    from eclair.tui.launch import RunRequest

    request = RunRequest(
        description="",
        demo_workflow=workflow_id,
        agent=settings.agent,
        backend=settings.backend,
        model=settings.model,
        seed=seed,
    )
    return _run_prepared_in_tui(request, settings)
