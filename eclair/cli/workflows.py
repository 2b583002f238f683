"""`eclair workflows …` — compiled workflow programs: compile, list, show, diff, approve, export."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import typer

from eclair.config import Settings, load_settings
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
    register_bench(bench)
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


def register_bench(bench: typer.Typer) -> None:
    @bench.command("replay")
    def bench_replay(
        suite: str = typer.Option(
            "demos", "--suite", help="demos (all 40), demos-smoke, or workflow ids, comma-separated."
        ),
        seeds: int = typer.Option(3, "--seeds", help="New seeds per workflow (1..N; seed 0 is the demonstration)."),
        drift: bool = typer.Option(
            True, "--drift/--no-drift", help="Also replay on the drift UI, healing with the policy."
        ),
        json_path: Path = typer.Option(None, "--json", help="Write the summary and every row here."),
        retrieval_only: bool = typer.Option(
            False, "--retrieval-only", help="Learn the workflows, then retrieval only."
        ),
    ) -> None:
        """Compiled replay: success and model calls, healing on the drift UI, retrieval, overhead vs a plain script."""
        from eclair.assemble import load_parts
        from eclair.learn.suites import open_suite
        from eclair.replay.bench import run_replay_bench
        from eclair.store import Store

        settings = load_settings()
        store = Store(settings)
        agent: list[object] = []

        def policy():  # type: ignore[no-untyped-def]
            if not agent:  # the model loads only when a step first needs healing
                agent.append(load_parts(settings, store=store).agent)
            return agent[0]

        def show(row: object) -> None:
            typer.echo(json.dumps(row.__dict__, default=str)[:300])

        with open_suite(suite) as envs:
            summary = run_replay_bench(
                list(envs),
                settings=settings,
                store=store,
                seeds=list(range(1, seeds + 1)),
                policy=policy,
                drift=drift,
                episodes_too=not retrieval_only,
                reuse=retrieval_only,
                on_row=show,
            )
        figures = {k: v for k, v in summary.items() if k not in ("episodes", "retrievals", "overhead_per_workflow")}
        typer.echo(json.dumps(figures, indent=2))
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(summary, indent=2))
            typer.echo(f"json: {json_path}")


def replay_known_workflow(request: str, url: str | None, settings: Settings) -> bool | None:
    """`eclair run`'s first look: replay a stored workflow that the request means (True/False: it ran and
    succeeded or not), or None when no workflow matches, a value is missing, or there are no programs."""
    import os

    from eclair.replay import Program, replay
    from eclair.replay.program import fill
    from eclair.replay.retrieve import NoEmbeddingModel, find_workflow
    from eclair.store import Store

    store = Store(settings)
    latest = store.list_programs()
    if not latest:
        return None
    programs = []
    for info in latest:
        try:
            programs.append(Program.model_validate(store.get_program(info.name).program))
        except EclairError:  # only a version held for review: not used until approved
            continue
    try:
        match = find_workflow(request, programs)
    except NoEmbeddingModel as exc:
        typer.echo(f"workflow memory off: {exc}")
        return None
    if match is None:
        return None
    program = match.program
    shown = ", ".join(f"{k}={v!r}" for k, v in match.params.items()) or "none"
    typer.echo(f"workflow {program.name} v{program.version} matches (similarity {match.score:.2f}); values: {shown}")
    secrets = {n: os.environ.get(f"ECLAIR_SECRET_{n.upper()}", "") for n in program.secret_params}
    missing = match.missing + [f"{n} (set ECLAIR_SECRET_{n.upper()})" for n, v in secrets.items() if not v]
    if missing:
        typer.echo(f"not replaying: the request does not give {', '.join(missing)}; the live agent runs instead")
        return None
    from eclair.assemble import load_parts
    from eclair.runner import browser_page

    agent: list[Any] = []

    def policy() -> Any:
        if not agent:  # the model loads only when a step needs healing
            agent.append(load_parts(settings, store=store).agent)
        return agent[0]

    def show(report: Any) -> None:
        mark = "ok " if report.ok else "FAIL"
        extra = f"  ({report.reason})" if report.reason else ""
        typer.echo(f"step {report.index + 1:>2} {mark} [{report.how}] {report.intent}  {report.ms:.0f} ms{extra}")

    task_url = url or fill(program.start_url, match.params)
    with browser_page(settings) as page:
        from eclair.replay import replay_task

        task = replay_task(program, match.params, secrets).model_copy(update={"text": request, "start_url": task_url})
        result = replay(
            program,
            page,
            store=store,
            settings=settings,
            params=match.params,
            secrets=secrets,
            task=task,
            policy=policy,
            on_step=show,
        )
    healed = f", healed into v{result.new_version}" if result.new_version else ""
    typer.echo(
        f"run {result.run_id}: {result.status} by replay ({result.model_calls} model calls{healed})"
        + (f" — {result.error}" if result.error else "")
    )
    return result.status == "succeeded"
