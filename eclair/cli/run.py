"""`eclair run` — execute a described workflow end to end."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import typer

from eclair.config import Settings, load_settings
from eclair.errors import EclairError
from eclair.types import RunEvent


def print_event(event: RunEvent) -> None:
    """One line per finished step and a final status line (the --no-tui view)."""
    data = event.data
    if event.kind == "step_finished":
        mark = "ok " if data.get("ok") else "FAIL"
        extra = f"  ({data['feedback']})" if data.get("feedback") else ""
        ms = f"  {data['ms']:.0f} ms" if data.get("ms") else ""
        typer.echo(f"step {event.step:>2} {mark} {data.get('action', '')}{ms}{extra}")
    elif event.kind == "run_finished":
        label = f", critics: {data['label']}" if data.get("label") else ""
        error = f" — {data['error']}" if data.get("error") else ""
        typer.echo(f"run {event.run_id}: {data.get('status')}{label}{error}")


def check_url(url: str | None) -> None:
    if url is None:
        return
    scheme = urlparse(url).scheme
    if scheme not in ("http", "https", "file"):
        raise EclairError(f"--url {url!r} is not an http(s) or file URL; pass e.g. http://localhost:8000/")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    register_demo(app)

    @app.command("run")
    def run_command(
        task: str = typer.Argument(..., help="The workflow in plain words."),
        url: str = typer.Option(None, "--url", help="Start URL (defaults to the workflow's)."),
        workflow: str = typer.Option(None, "--workflow", help="A saved workflow whose SOP guides the agent."),
        agent: str = typer.Option(None, "--agent", help="scoring (small local models) or eclair (JSON, large)."),
        backend: str = typer.Option(None, "--backend", help="local or openai."),
        model: str = typer.Option(None, "--model", help="Model id: embedded, a HF dir, an adapter dir, or a name."),
        max_steps: int = typer.Option(None, "--max-steps", help="Step budget."),
        headed: bool = typer.Option(False, "--headed", help="Show the browser window (needs a display)."),
        no_tui: bool = typer.Option(False, "--no-tui", help="Print one line per step instead of the TUI."),
        as_json: bool = typer.Option(False, "--json", help="Print the run record as JSON."),
        approve_all: bool = typer.Option(False, "--approve-all", help="Let risky actions run without asking."),
        cdp_url: str = typer.Option(None, "--cdp-url", help="Drive a running Chromium over CDP (http://host:port)."),
        ws_endpoint: str = typer.Option(None, "--ws-endpoint", help="Drive a Playwright server (ws://host:port/)."),
        ask_when_unsure: bool = typer.Option(
            False, "--ask-when-unsure", help="Ask at the terminal when critics are unsure or the agent asks."
        ),
    ) -> None:
        """Run a task in the browser; exit code 0 only when the run succeeded."""
        if not task.strip():
            raise EclairError("the task description is empty; describe the workflow in plain words")
        check_url(url)
        settings = load_settings(
            agent=agent,
            backend=backend,
            model=model,
            max_steps=max_steps,
            headless=False if headed else None,
            approve_all=True if approve_all else None,
            cdp_url=cdp_url,
            ws_endpoint=ws_endpoint,
            ask_when_unsure=True if ask_when_unsure else None,
        )
        if not workflow and not as_json:  # workflow memory first: a known workflow replays with no model
            from eclair.cli.workflows import replay_known_workflow

            replayed = replay_known_workflow(task, url, settings)
            if replayed is not None:
                raise typer.Exit(0 if replayed else 1)
        if not no_tui and not as_json:
            from eclair.cli.tui import run_in_tui

            raise typer.Exit(run_in_tui(task, url, settings, workflow=workflow))
        from eclair.assemble import run_described

        outcome = run_described(task, url, settings, workflow=workflow, on_event=None if as_json else print_event)
        if as_json:
            from eclair.store import Store

            record = Store(settings).get_run(outcome.run_id)
            typer.echo(json.dumps(record.model_dump(mode="json"), indent=2))
        else:
            typer.echo(f"trace: {_trace_dir(settings, outcome.run_id)}")
        raise typer.Exit(0 if outcome.status == "succeeded" else 1)


def _trace_dir(settings: Settings, run_id: str) -> str:
    from eclair.store import Store

    return str(Store(settings).run_dir(run_id))


def register_demo(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_command(
        workflow: str = typer.Option(None, "--workflow", help="A demo workflow id (default: the first smoke one)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the demo data and the task's parameters."),
        agent: str = typer.Option(None, "--agent"),
        model: str = typer.Option(None, "--model"),
        no_tui: bool = typer.Option(False, "--no-tui", help="Print one line per step instead of the TUI."),
        cdp_url: str = typer.Option(None, "--cdp-url", help="Drive a running Chromium over CDP (http://host:port)."),
        ws_endpoint: str = typer.Option(None, "--ws-endpoint", help="Drive a Playwright server (ws://host:port/)."),
    ) -> None:
        """Start the demo apps and run a smoke workflow with the embedded model; print where the trace is."""
        from eclair.plugins import environments

        settings = load_settings(agent=agent, model=model, cdp_url=cdp_url, ws_endpoint=ws_endpoint)
        workflow_id = workflow or environments().suites()["smoke"][0]
        if not no_tui:
            from eclair.cli.tui import run_demo_in_tui

            raise typer.Exit(run_demo_in_tui(workflow_id, settings, seed=seed))
        from eclair.demo_run import run_demo_workflow

        result = run_demo_workflow(
            workflow_id, settings, seed=seed, on_event=print_event, on_task=lambda t: typer.echo(f"task: {t.text}")
        )
        typer.echo(f"hidden checker: {'PASS' if result.success else 'FAIL'} ({result.reason})")
        typer.echo(f"trace: {result.trace_dir}")
        raise typer.Exit(0 if result.success else 1)
