"""`eclair workflows …` — compiled workflow programs: compile, list, show, diff, approve, export."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import typer

from eclair.config import load_settings
from eclair.errors import EclairError


def _store():  # type: ignore[no-untyped-def]
    from eclair.store import Store

    return Store(load_settings())


def program_lines(program: dict) -> list[str]:  # type: ignore[type-arg]
    """A program as readable lines: header, parameters, then each step with its target and checks."""
    from eclair.replay.program import Program

    p = Program.model_validate(program)
    lines = [
        f"{p.name} v{p.version} [{p.status}] from {p.source}",
        f"  task: {p.description}",
        f"  start: {p.start_url or '-'}",
        "  params: " + (", ".join(f"{k} (e.g. {v!r})" for k, v in p.params.items()) or "-"),
    ]
    if p.secret_params:
        lines.append("  secrets: " + ", ".join(p.secret_params))
    for i, step in enumerate(p.steps, 1):
        mark = " (healed)" if step.healed else ""
        lines.append(f"  {i:>2}. {step.intent}{mark}")
        if step.target is not None:
            t = step.target
            extra = [f"nearby={t.nearby!r}" if t.nearby else "", f"nth={t.nth}" if t.nth else "", f"id~{t.id_hint}"]
            lines.append("      target: " + " ".join(x for x in [t.describe(), *extra] if x))
        for check in step.checks:
            lines.append(f"      check: {check.describe()}")
    return lines


def register(app: typer.Typer, bench: typer.Typer) -> None:
    workflows = typer.Typer(help="Workflow programs compiled from verified runs and demonstrations.")
    app.add_typer(workflows, name="workflows")

    @workflows.command("compile")
    def compile_command(
        run: str = typer.Option(None, "--run", help="An approved or critic-passed run id."),
        demonstration: str = typer.Option(None, "--demonstration", help="A workflow name: its latest demonstration."),
        name: str = typer.Option(None, "--name", help="Program name (default: the workflow's)."),
    ) -> None:
        """Compile a verified run or a demonstration into the next version of a program."""
        from eclair.replay import compile_demonstration, compile_run

        if bool(run) == bool(demonstration):
            raise EclairError("give exactly one of --run RUN_ID or --demonstration WORKFLOW")
        store = _store()
        program = compile_run(store, run, name=name) if run else compile_demonstration(store, demonstration, name=name)
        version = store.save_program(program.name, program.model_dump(mode="json"), source=program.source)
        typer.echo(f"{program.name} v{version}: {len(program.steps)} steps, params {', '.join(program.params) or '-'}")

    @workflows.command("list")
    def list_command() -> None:
        """The latest version of every program."""
        rows = _store().list_programs()
        if not rows:
            typer.echo("no workflow programs yet; `eclair workflows compile --run ID` or `--demonstration NAME`")
        for info in rows:
            steps = len(info.program.get("steps", []))
            typer.echo(f"{info.name:<40} v{info.version:<3} {info.status:<15} {steps:>3} steps  {info.source}")

    @workflows.command("show")
    def show_command(
        name: str = typer.Argument(...),
        version: int = typer.Option(None, "--version", help="Default: the latest active one."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """One program: parameters, steps, targets and checks."""
        info = _store().get_program(name, version, include_pending=version is None)
        if as_json:
            typer.echo(json.dumps(info.program, indent=2))
            return
        typer.echo("\n".join(program_lines(info.program)))

    @workflows.command("diff")
    def diff_command(
        name: str = typer.Argument(...), v1: int = typer.Argument(...), v2: int = typer.Argument(...)
    ) -> None:
        """What changed between two versions (e.g. the steps a heal rewrote)."""
        store = _store()
        old, new = store.get_program(name, v1), store.get_program(name, v2)
        diff = difflib.unified_diff(
            program_lines(old.program), program_lines(new.program), f"{name} v{v1}", f"{name} v{v2}", lineterm=""
        )
        typer.echo("\n".join(diff) or "no difference")

    @workflows.command("approve")
    def approve_command(name: str = typer.Argument(...), version: int = typer.Argument(...)) -> None:
        """Make a version held for review (a healed one) the active one."""
        _store().set_program_status(name, version, "active")
        typer.echo(f"{name} v{version} is active")

    @workflows.command("export")
    def export_command(
        name: str = typer.Argument(...),
        playwright: Path = typer.Option(..., "--playwright", help="Where to write the pytest-playwright script."),
        version: int = typer.Option(None, "--version"),
    ) -> None:
        """Write a standalone, readable pytest-playwright script with the parameters as arguments."""
        from eclair.replay.export import export_playwright
        from eclair.replay.program import Program

        info = _store().get_program(name, version)
        playwright.write_text(export_playwright(Program.model_validate(info.program)))
        typer.echo(f"wrote {playwright}")
