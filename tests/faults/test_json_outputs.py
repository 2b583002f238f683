"""Every command with a `--json` flag prints one valid JSON document on stdout on an empty store, in its normal
state and in its error state (`{"error": ..., "exit_code": ...}` beside the stderr line)."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from eclair.cli import app, main
from eclair.cli.jsonmode import wants_json

# argv on an empty store -> the exit code it must give. An error state where the store has nothing to show.
EMPTY_STORE_CALLS: dict[str, tuple[list[str], int]] = {
    "runs list": (["runs", "list", "--json"], 0),
    "runs list --status": (["runs", "list", "--status", "interrupted", "--json"], 0),
    "runs show": (["runs", "show", "nope", "--json"], 2),
    "runs resume": (["runs", "resume", "nope", "--json"], 2),
    "secrets list": (["secrets", "list", "--json"], 0),
    "workflows show": (["workflows", "show", "nope", "--json"], 2),
    "sop": (["sop", "nope", "--json"], 2),
    "explore show": (["explore", "show", "nope", "--json"], 2),
    "explore map": (["explore", "map", "not-a-url", "--json"], 2),
    "observe": (["observe", "not-a-url", "--json"], 2),
    "run": (["run", "a task", "--url", "ftp://nowhere", "--json"], 2),
}


def _json_flag_commands() -> set[str]:
    """Every command path whose --json is a flag (JSON on stdout), found by walking the CLI."""
    found = set()

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])
        option = next((p for p in getattr(command, "params", []) if "--json" in getattr(p, "opts", ())), None)
        if option is not None and getattr(option, "is_flag", False):
            found.add(" ".join(path))

    walk(typer.main.get_command(app), [])
    return found


def test_every_json_flag_command_is_walked() -> None:
    walked = {key.split(" --")[0] for key in EMPTY_STORE_CALLS}
    assert _json_flag_commands() == walked, "add the new --json command to EMPTY_STORE_CALLS"


def _call(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["eclair", *argv])
    previous = signal.getsignal(signal.SIGTERM)
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(EMPTY_STORE_CALLS))
def test_json_output_is_valid_on_an_empty_store(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECLAIR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECLAIR_TRACES_DIR", str(tmp_path / "traces"))
    monkeypatch.setenv("ECLAIR_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("ECLAIR_DB_URL", raising=False)
    argv, expected = EMPTY_STORE_CALLS[name]
    assert wants_json(app, argv)
    code, out = _call(argv, capsys, monkeypatch)
    document = json.loads(out)  # exactly one JSON document, nothing else on stdout
    assert code == expected
    if expected == 0:
        assert document == []
    else:
        assert document["exit_code"] == expected and document["error"]


def test_path_valued_json_is_not_a_stdout_flag() -> None:
    assert not wants_json(app, ["bench", "store", "--json", "out.json"])
    assert not wants_json(app, ["runs", "list"])
