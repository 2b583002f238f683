"""CLI of the vault: `eclair secrets set NAME | list | rm NAME`; `eclair bench security | injection`."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from eclair.errors import EclairError

if TYPE_CHECKING:
    from eclair.security.vault import Vault

secrets_app = typer.Typer(help="The secrets vault: values tasks name as {{NAME}}, encrypted at rest.")


def _vault() -> Vault:
    from eclair.config import load_settings
    from eclair.security.vault import Vault

    return Vault(load_settings().data_dir)


def _read_value(name: str, totp: bool) -> str:
    """From a hidden prompt on a terminal, else the first line of stdin (so the value never sits in argv)."""
    what = "TOTP seed (base32)" if totp else "value"
    if sys.stdin.isatty():
        value = getpass.getpass(f"{what} for {name}: ")
        if not totp and value != getpass.getpass("again: "):
            from eclair.security.vault import VaultError

            raise VaultError(f"the two values typed for {name!r} differ; run the command again")
        return value
    return sys.stdin.readline().rstrip("\r\n")


@secrets_app.command("set")
def set_command(
    name: str = typer.Argument(..., help="The name tasks use as {{NAME}}."),
    totp: bool = typer.Option(False, "--totp", help="The value is a TOTP seed; tasks type {{NAME.totp}}."),
) -> None:
    """Store a secret (asked for without echo; or piped on stdin). Setting a name again replaces it."""
    from eclair.security.vault import check_name

    check_name(name)
    _vault().set(name, _read_value(name, totp), kind="totp" if totp else "secret")
    typer.echo(f"stored {name} ({'totp' if totp else 'secret'}); tasks say {{{{{name}{'.totp' if totp else ''}}}}}")


@secrets_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print a JSON list.")) -> None:
    """Names, kinds and dates; never values."""
    entries = _vault().list()
    if as_json:
        typer.echo(json.dumps([e.__dict__ for e in entries]))
        return
    if not entries:
        typer.echo("the vault is empty; add a secret with `eclair secrets set NAME`")
    for entry in entries:
        typer.echo(f"{entry.name:<24} {entry.kind:<7} {entry.created_at}")


@secrets_app.command("rm")
def rm_command(name: str = typer.Argument(..., help="The secret to remove.")) -> None:
    """Remove a secret from the vault."""
    _vault().remove(name)
    typer.echo(f"removed {name}")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(secrets_app, name="secrets")

    @bench.command("security")
    def bench_security(
        json_path: Path = typer.Option(
            Path("benchmarks/results/security.json"), "--json", help="Write the per-scenario table as JSON here."
        ),
        only: str = typer.Option("", "--only", help="Comma list of scenario names (default: all)."),
    ) -> None:
        """Run the secret-leak scenarios for real and scan every artifact for each secret; goal 0 leaks."""
        from eclair.bench.security import run_security_bench

        report = run_security_bench(json_path=json_path, only=[s for s in only.split(",") if s])
        raise typer.Exit(0 if report["leaks"] == 0 else 1)

    @bench.command("injection")
    def bench_injection(
        json_path: Path = typer.Option(
            Path("benchmarks/results/injection.json"), "--json", help="Write the per-scenario table as JSON here."
        ),
        baseline: bool = typer.Option(False, "--baseline", help="No allow-list, no approvals: what gets through."),
    ) -> None:
        """Pages with injected instructions, obeyed by a scripted agent: blocked / gated / followed per scenario."""
        from eclair.bench.injection import run_injection_bench

        report = run_injection_bench(json_path=json_path, defences=not baseline)
        raise typer.Exit(0 if baseline or not report["followed"] else 1)

    @bench.command("faults")
    def bench_faults(
        json_path: Path = typer.Option(
            Path("benchmarks/results/faults.json"), "--json", help="Write the per-fault table as JSON here."
        ),
        only: str = typer.Option("", "--only", help="Only these faults, comma-separated (default: all)."),
    ) -> None:
        """Faults during real runs (browser/page crash, SIGKILL, model timeout/junk, network, DB lock, disk full):
        status, steps lost, trace, and `runs resume` afterwards."""
        from eclair.bench.faults import run_faults_bench
        from eclair.bench.faults_cases import CASES

        names = [n.strip() for n in only.split(",") if n.strip()]
        if unknown := [n for n in names if n not in CASES]:
            raise EclairError(f"--only {','.join(unknown)}: no such fault; use some of {', '.join(CASES)}")
        report = run_faults_bench(json_path=json_path, only=names or None)
        raise typer.Exit(0 if report["lost"] == 0 and report["survived"] == report["total"] else 1)

    @bench.command("load")
    def bench_load(
        runs: int = typer.Option(8, "--runs", min=1, help="Runs at once (each its own process and Chromium)."),
        suite: str = typer.Option("smoke", "--suite", help="Demo workflows to cycle through (a suite or ids)."),
        max_steps: int = typer.Option(8, "--max-steps", min=1, help="Step budget of each run."),
        json_path: Path = typer.Option(Path("benchmarks/results/load.json"), "--json", help="Write the table here."),
    ) -> None:
        """N demo runs at once on one store: all complete? any DB error? a per-run wall-time table."""
        from eclair.bench.load import run_load_bench

        report = run_load_bench(runs=runs, suite=suite, max_steps=max_steps, json_path=json_path)
        raise typer.Exit(0 if report["complete"] == report["n"] and report["db_errors"] == 0 else 1)
