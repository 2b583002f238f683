"""The `eclair` command. Thin: each module below parses its flags and calls the library.

Every command module exposes `register(app, bench)`; `bench` is the shared `eclair bench …` group.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer

from eclair.errors import EclairError, Terminated

app = typer.Typer(
    name="eclair",
    help="Automate browser workflows, check them with critics, and learn from the traces.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bench = typer.Typer(help="Benchmarks: each prints its figure and writes JSON.", no_args_is_help=True)
app.add_typer(bench, name="bench")

# One module per room; each owns its commands.
COMMAND_MODULES = [
    "eclair.cli.observe",
    "eclair.cli.runs",
    "eclair.cli.models",
    "eclair.cli.run",
    "eclair.cli.demos",
    "eclair.cli.miniwob",
    "eclair.cli.critic",
    "eclair.cli.demonstrations",
    "eclair.cli.tui",
    "eclair.cli.learn",
    "eclair.cli.workflows",
    "eclair.cli.explore",
    "eclair.cli.secrets",
    "eclair.cli.families",
    "eclair.cli.ablate",
    "eclair.cli.scale",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app, bench)


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context, verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if ctx.invoked_subcommand is None:
        from eclair.cli.tui import open_home

        open_home()


def main() -> None:
    from eclair.cli.jsonmode import print_json_error, terminate_politely, wants_json

    terminate_politely()
    as_json = wants_json(app, sys.argv[1:])
    try:
        app()
    except EclairError as exc:
        typer.echo(f"error: {exc}", err=True)
        if as_json:
            print_json_error(str(exc), exc.exit_code)
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, Terminated) as exc:
        typer.echo(str(exc) or "interrupted", err=True)
        if as_json:
            print_json_error(str(exc) or "interrupted", 143 if isinstance(exc, Terminated) else 130)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
