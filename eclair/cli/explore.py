"""`eclair explore URL` (map + propose) and `eclair explore show APP`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperGroup

from eclair.bench.executors import EXECUTOR_HELP, parse_executor
from eclair.errors import EclairError


class _UrlOrCommand(TyperGroup):
    """`eclair explore URL …` runs the `map` command; `eclair explore show APP` its own."""

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands:
            args = ["map", *args]
        return super().resolve_command(ctx, args)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add `eclair explore` to `app`."""
    explore_app = typer.Typer(
        cls=_UrlOrCommand, help="Learn an unseen app: map it read-only, propose tasks with known intended effects."
    )
    app.add_typer(explore_app, name="explore")

    @explore_app.command("map")
    def map_command(
        url: str = typer.Argument(..., help="The app's start page; the crawl stays inside its folder."),
        name: str = typer.Option("", "--name", help="What to call the app (default: the URL's first path part)."),
        login: str = typer.Option("", "--login", help="Sign in as this user first; password from --password-env."),
        password_env: str = typer.Option("ECLAIR_LOGIN_PASSWORD", "--password-env", help="Env var with the password."),
        max_pages: int = typer.Option(60, "--max-pages", min=1, help="Page visits at most."),
        per_form: int = typer.Option(3, "--per-form", min=1, help="Tasks proposed per form."),
        seed: int = typer.Option(0, "--seed", help="Seed of the proposed values."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Map the app at URL (links, forms, tables; nothing submitted) and propose tasks from its forms."""
        from urllib.parse import urlsplit

        from eclair.browser.errors import PageUnreachable
        from eclair.browser.launch import OPENABLE_SCHEMES
        from eclair.config import load_settings
        from eclair.explore import Credentials, explore

        if not url.lower().startswith(OPENABLE_SCHEMES[:2]):
            raise PageUnreachable(f"{url!r} is not an http:// or https:// URL; give the app's start page")
        app_name = name or (urlsplit(url).path.strip("/").split("/")[0] or urlsplit(url).hostname or "app")
        credentials = Credentials(username=login, password_env=password_env) if login else None
        report = explore(
            load_settings(), url, name=app_name, login=credentials, max_pages=max_pages, per_form=per_form, seed=seed
        )
        if as_json:
            typer.echo(report.model_dump_json(indent=2))
            return
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
        typer.echo(f"{report.app}: {counts}; {report.proposed} tasks proposed ({report.splits})")
        typer.echo(f"see it: eclair explore show {report.app}")

    @explore_app.command("attempt")
    def attempt_command(
        app_name: str = typer.Argument(..., help="An app explored before."),
        split: str = typer.Option("train", "--split", help="train, heldout or all."),
        k: int = typer.Option(1, "--k", min=1, help="Episodes per proposed task (seeds --seed, --seed+1, …)."),
        seed: int = typer.Option(0, "--seed", help="First seed of the drawn values."),
        temperature: float = typer.Option(0.0, "--temperature", min=0.0, help="Sample the policy (0: greedy)."),
        workers: int = typer.Option(1, "--workers", min=1, help="Episodes at once (one browser context each)."),
        executor: str = typer.Option("threads", "--executor", help=EXECUTOR_HELP),
        limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N proposals."),
        model: str | None = typer.Option(None, "--model", help="Model to act with (default: the current one)."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the report here as JSON."),
    ) -> None:
        """Run the app's proposed tasks with the policy; the proposer's own state check labels each run."""
        from eclair.config import load_settings
        from eclair.explore.attempt import attempt

        if split not in ("train", "heldout", "all"):
            raise EclairError(f"--split {split!r} is not train, heldout or all")
        parse_executor(executor)

        def show(r: Any) -> None:
            mark = "verified" if r.success else ("error: " + r.error if r.error else "not verified")
            typer.echo(f"{r.env} seed {r.seed}: {mark} ({r.steps} steps)  {r.task_text}")

        report = attempt(
            load_settings(),
            app_name,
            split=None if split == "all" else split,
            k=k,
            seed=seed,
            workers=workers,
            executor=executor,
            temperature=temperature,
            limit=limit,
            model=model,
            on_result=show,
        )
        kinds = ", ".join(f"{kind} {v}/{n}" for kind, (v, n) in sorted(report.by_kind.items()))
        typer.echo(
            f"{report.app} {report.split}: {report.verified}/{report.episodes} verified ({kinds}); "
            f"{report.errors} errors; {report.wall_s:.0f} s"
        )
        if json_out:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(json.dumps(report.model_dump() | {"rate": report.rate}, indent=2))

    @explore_app.command("show")
    def show_command(
        app_name: str = typer.Argument(..., help="An app explored before."),
        tasks: bool = typer.Option(False, "--tasks", help="Also list the proposed tasks."),
        as_json: bool = typer.Option(False, "--json", help="Print the map (and tasks) as JSON."),
    ) -> None:
        """Print an app's map: pages, forms with their fields, tables and buttons."""
        from eclair.config import load_settings
        from eclair.explore import AppMap
        from eclair.store import Store

        store = Store(load_settings())
        app_map = AppMap.model_validate(store.get_app_map(app_name))
        proposals = store.list_proposed_tasks(app_name) if tasks else []
        if as_json:
            typer.echo(json.dumps({"map": app_map.model_dump(mode="json"), "tasks": proposals}, indent=2))
            return
        typer.echo(app_map.describe())
        for p in proposals:
            verified = {None: "", True: " verified", False: " not verified"}[p["verified"]]
            typer.echo(f"[{p['id']}] ({p['split']}{verified}) {p['task']['text']}")
