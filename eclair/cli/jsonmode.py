"""`--json` in every state: when a command was asked for JSON on stdout and fails, stdout still gets one JSON
document (`{"error": ..., "exit_code": ...}`) beside the one-line `error:` on stderr."""

from __future__ import annotations

import json
from typing import Any

import typer

from eclair.errors import terminate_politely as terminate_politely  # used by main()


def wants_json(app: typer.Typer, argv: list[str]) -> bool:
    """Whether argv names a command whose `--json` is a flag (JSON on stdout), and passes it."""
    if "--json" not in argv:
        return False
    command: Any = typer.main.get_command(app)
    for token in argv:  # typer vendors its own click: groups are told apart by their `commands`
        if not hasattr(command, "commands") or token.startswith("-"):
            continue
        sub = command.commands.get(token)
        if sub is None:
            break
        command = sub
    option = next((p for p in command.params if "--json" in getattr(p, "opts", ())), None)
    return bool(getattr(option, "is_flag", False))


def print_json_error(message: str, exit_code: int) -> None:
    typer.echo(json.dumps({"error": message, "exit_code": exit_code}))
