"""CLI of the demonstrations room: `eclair record`, `eclair ingest`, `eclair sop`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from eclair.errors import EclairError


class DemonstrationUsageError(EclairError):
    """A bad flag value for a demonstrations command."""


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise DemonstrationUsageError(f"--param {pair!r} is not NAME=VALUE; write e.g. --param customer=Acme")
        params[name.strip()] = value
    return params


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""

    @app.command("record")
    def record(
        url: str = typer.Option(..., "--url", help="Where the demonstration starts."),
        workflow: str = typer.Option(..., "--workflow", help="The workflow this demonstrates (created if new)."),
        headed: bool = typer.Option(False, "--headed", help="A person demonstrates in a visible browser (display)."),
        script: Path = typer.Option(
            None, "--script", help="A Python file defining demonstrate(page, params); runs headless."
        ),
        param: list[str] = typer.Option([], "--param", help="NAME=VALUE passed to the script; repeatable."),
        description: str = typer.Option("", "--description", help="The workflow's description when it is new."),
    ) -> None:
        """Record a demonstration: every action with its target, page states, screenshots and a video."""
        from eclair.config import load_settings
        from eclair.demonstrations import record_demonstration

        saved = record_demonstration(
            load_settings(),
            url=url,
            workflow=workflow,
            script=script,
            headed=headed,
            params=_parse_params(param),
            description=description,
        )
        typer.echo(f"recorded demonstration {saved.id} of {saved.workflow}: {len(saved.manifest.actions)} actions")
        for action in saved.manifest.actions:
            typer.echo(f"  {action.index + 1}. {action.describe()}")
        typer.echo(f"files: {saved.folder}")

    @app.command("ingest")
    def ingest_cmd(
        path: Path = typer.Argument(..., help="A screen recording (webm/mp4/avi) or an ECLAIR trace .json."),
        actions: Path = typer.Option(None, "--actions", help="JSONL action log with times (videos only)."),
        workflow: str = typer.Option(None, "--workflow", help="Workflow name (required for videos)."),
    ) -> None:
        """Import a screen recording or an ECLAIR/WONDERBREAD trace as a demonstration."""
        from eclair.config import load_settings
        from eclair.demonstrations import ingest

        saved, sop_version = ingest(load_settings(), path, workflow=workflow, actions_log=actions)
        extra = saved.manifest.extra
        frames = f", {extra['key_frames']} key frames" if "key_frames" in extra else ""
        typer.echo(
            f"ingested {path.name} as demonstration {saved.id} of {saved.workflow}: "
            f"{len(saved.manifest.actions)} actions{frames}"
        )
        if sop_version:
            typer.echo(f"SOP from the trace stored as version {sop_version}")
        typer.echo(f"files: {saved.folder}")

    @app.command("sop")
    def sop(
        workflow: str = typer.Argument(..., help="The workflow's name."),
        regenerate: bool = typer.Option(False, "--regenerate", help="Write a new version from the latest demo."),
        set_file: Path = typer.Option(None, "--set", help="Store this edited SOP text file as a new version."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Show a workflow's SOP, writing it from its latest demonstration when there is none yet."""
        from eclair.config import load_settings
        from eclair.demonstrations import write_sop
        from eclair.store import Store

        settings = load_settings()
        store = Store(settings)
        if set_file is not None:
            if not set_file.is_file():
                raise DemonstrationUsageError(f"--set {set_file}: no such file; pass the edited SOP text")
            if store.get_workflow(workflow) is None:
                raise DemonstrationUsageError(f"workflow {workflow!r} is not in the store; record it first")
            version = store.set_sop(workflow, set_file.read_text())
            typer.echo(f"stored SOP version {version} of {workflow}")
            return
        backend = None
        if regenerate or not store.get_sop(workflow):
            backend = _optional_refiner(settings)
        result = write_sop(store, workflow, regenerate=regenerate, backend=backend)
        if as_json:
            typer.echo(
                json.dumps(
                    {
                        "workflow": workflow,
                        "version": result.version,
                        "generated": result.generated,
                        "steps": result.steps,
                        "fidelity": result.fidelity,
                        "note": result.note,
                    }
                )
            )
            return
        typer.echo(result.text.rstrip())
        fidelity = "n/a" if result.fidelity is None else f"{result.fidelity:.2f}"
        typer.echo(f"# version {result.version} · fidelity {fidelity} · {result.note}")


def _optional_refiner(settings):  # type: ignore[no-untyped-def]
    """An OpenAI-compatible backend for the checked generalise pass, when one is configured; else None."""
    if settings.backend != "openai" or not settings.model:
        return None
    from eclair.models import load_backend

    return load_backend(settings, backend="openai")
