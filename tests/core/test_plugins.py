"""eclair finds agents, environment families and probes through entry points (eclair/plugins.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eclair.plugins import (
    EnvironmentFamily,
    UnknownPlugin,
    agent_names,
    environments,
    find_environments,
    make_agent,
    probe,
)

ROOT = Path(__file__).resolve().parents[2]


def test_registered_agents_are_found_and_built() -> None:
    assert {"scoring", "eclair"} <= set(agent_names())
    agent = make_agent("eclair", backend=None)
    assert type(agent).__module__.startswith("agents.eclair_agent")


def test_unknown_agent_names_the_known_ones() -> None:
    with pytest.raises(UnknownPlugin, match=r"unknown agent 'nope'.*scoring"):
        make_agent("nope", backend=None)


def test_demo_family_exposes_suites_workflows_and_envs() -> None:
    apps = environments("demos")
    assert isinstance(apps, EnvironmentFamily)
    smoke = apps.suites()["smoke"]
    assert smoke and set(smoke) <= set(apps.workflows())
    assert apps.resolve("smoke") == smoke
    assert apps.resolve(f"{smoke[0]}, {smoke[1]}") == smoke[:2]
    env = apps.make_env(smoke[0], "http://127.0.0.1:1")
    assert env.name.endswith(smoke[0])
    assert "password" in apps.secret_keys


def test_unknown_workflow_and_family_are_errors() -> None:
    with pytest.raises(Exception, match="no-such-flow"):
        environments().resolve("helpdesk-create-ticket,no-such-flow")
    assert find_environments("no-such-family") is None
    with pytest.raises(UnknownPlugin, match="environment family"):
        environments("no-such-family")


def test_probe_is_registered() -> None:
    assert callable(probe("grounding"))


def test_import_contracts_hold() -> None:
    """The layer order and the no-agents/demos rule of .importlinter (also run by `make lint`)."""
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists():
        pytest.fail("lint-imports is missing: pip install -e '.[dev]'")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
