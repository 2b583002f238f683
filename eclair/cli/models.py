"""CLI of the models room: `eclair chat`, `eclair models list|prepare|use`, `eclair bench model`."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import typer

models_app = typer.Typer(help="Model backends: prepare the embedded model, list models.", no_args_is_help=True)


@models_app.command("prepare")
def prepare_command(quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing when all is well.")) -> None:
    """Convert the embedded SmolLM2 GGUF to safetensors under the data dir (once; a no-op when done)."""
    from eclair.config import load_settings
    from eclair.models.prepare import embedded_dir, is_prepared, prepare_embedded

    settings = load_settings()
    already = is_prepared(embedded_dir(settings))
    if not already and not quiet:
        typer.echo("preparing the embedded model (one-time conversion, about a minute)…")
    if quiet and not already:
        # The GGUF reader draws tqdm bars on stderr; set-up output stays clean. Errors still raise.
        with contextlib.redirect_stderr(io.StringIO()):
            path = prepare_embedded(settings)
    else:
        path = prepare_embedded(settings)
    if not quiet:
        typer.echo(f"embedded model {'already prepared' if already else 'ready'}: {path}")


@models_app.command("list")
def list_command() -> None:
    """Show the embedded model, converted models under the model dir, and the configured backend."""
    from eclair.config import load_settings
    from eclair.models.prepare import EMBEDDED_NAME, embedded_dir, is_prepared

    settings = load_settings()
    root = settings.model_root
    embedded = embedded_dir(settings)
    state = "prepared" if is_prepared(embedded) else "not prepared (run 'eclair models prepare')"
    typer.echo(f"embedded  {EMBEDDED_NAME}  {state}  {embedded}")
    if root.is_dir():
        for entry in sorted(root.iterdir()):
            if entry.name == EMBEDDED_NAME or not entry.is_dir():
                continue
            kind = "adapter" if (entry / "adapter_config.json").is_file() else "model"
            if kind == "model" and not (entry / "config.json").is_file():
                continue
            typer.echo(f"{kind:<9} {entry.name}  {entry}")
    from eclair.models.current import current_model, current_note

    current = current_model(settings)
    note = current_note(settings) if current != "embedded" else ""
    typer.echo(f"current   {current}" + (f"  ({note})" if note else ""))
    typer.echo(f"configured backend: {settings.backend}  model: {settings.model or current}")


@models_app.command("use")
def use_command(model: str = typer.Argument(..., help="'embedded', or a model or PEFT adapter directory.")) -> None:
    """Make MODEL the one local runs use when no --model is given (eclair improve sets it when it promotes)."""
    from eclair.config import load_settings
    from eclair.models.current import set_current_model

    stored = set_current_model(load_settings(), model, note="set by eclair models use")
    typer.echo(f"current model: {stored}")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this room's commands to `app` and its benchmarks to `bench`."""
    app.add_typer(models_app, name="models")

    @app.command("chat")
    def chat_command(
        prompt: str = typer.Argument(..., help="What to ask the model."),
        backend: str = typer.Option(None, "--backend", help="local | openai (default: config)."),
        model: str = typer.Option(None, "--model", help="embedded, a model/adapter dir, or an API model name."),
        device: str = typer.Option(None, "--device", help="cpu | cuda | auto (local backend)."),
        max_tokens: int = typer.Option(256, "--max-tokens"),
        temperature: float = typer.Option(0.0, "--temperature"),
        seed: int = typer.Option(None, "--seed"),
        system: str = typer.Option("", "--system", help="Optional system message."),
    ) -> None:
        """Ask one question and print the answer (a quick smoke test of a backend)."""
        from eclair.config import load_settings
        from eclair.models.loading import load_backend

        settings = load_settings(device=device)
        chat_backend = load_backend(settings, backend=backend, model=model)
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        reply = chat_backend.chat(messages, temperature=temperature, max_tokens=max_tokens, seed=seed)[0]
        typer.echo(reply.text.strip())
        usage = chat_backend.last_usage
        typer.echo(
            f"[{chat_backend.name}:{chat_backend.model_id}] {usage.tokens_in} tokens in, {usage.tokens_out} out, "
            f"{usage.model_ms:.0f} ms",
            err=True,
        )

    @bench.command("model")
    def bench_model_command(
        json_path: Path = typer.Option(None, "--json", help="Write the figures as JSON here."),
        model: str = typer.Option("embedded", "--model"),
        device: str = typer.Option(None, "--device"),
        prompt_tokens: int = typer.Option(1000, "--prompt-tokens"),
        candidates: int = typer.Option(30, "--candidates"),
        repeats: int = typer.Option(5, "--repeats", help="Timed rounds (interleaved); medians are reported."),
    ) -> None:
        """Generation tokens/s and score() latency vs prompt prefill alone vs naive separate forwards."""
        from eclair.bench.model import run_model_benchmark
        from eclair.config import load_settings

        settings = load_settings(device=device)
        result = run_model_benchmark(
            settings, model=model, prompt_tokens=prompt_tokens, candidates=candidates, repeats=repeats
        )
        for line in result["summary"]:
            typer.echo(line)
        if json_path:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(result, indent=2))
            typer.echo(f"wrote {json_path}")
