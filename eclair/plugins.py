"""Agents and task environments are found through entry points, never imported by name (like pytest's plugins).

`pyproject.toml` registers them:
  [project.entry-points."eclair.agents"]        name = "package.module:AgentClass"   (called as cls(backend, **opts))
  [project.entry-points."eclair.environments"]  name = "package.module:OBJECT"       (an `EnvironmentFamily`)
  [project.entry-points."eclair.probes"]        name = "package.module:function"     (a model probe, see cli/learn)
  [project.entry-points."eclair.fitters"]       name = "package.module:function"     (an agent's `WeightFitter`,
                                                                                    under the agent's own name)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from eclair.errors import EclairError
from eclair.types import Agent, StepRecord, TaskEnvironment

AGENT_GROUP = "eclair.agents"
ENVIRONMENT_GROUP = "eclair.environments"
PROBE_GROUP = "eclair.probes"
FITTER_GROUP = "eclair.fitters"
REINSTALL_HINT = "reinstall eclair so its entry points are registered: pip install --no-deps -e ."


class UnknownPlugin(EclairError):
    """An agent, environment family or probe name that no installed package registers."""


class AppServer(Protocol):
    """A running web server for an environment family's apps."""

    @property
    def base_url(self) -> str: ...


@runtime_checkable
class EnvironmentFamily(Protocol):
    """A set of web apps with seeded workflows and hidden checkers (e.g. the demo apps), as eclair needs it."""

    name: str
    secret_keys: frozenset[str]  # task parameters that are secrets: masked wherever a person or model could see them

    def suites(self) -> Mapping[str, list[str]]:
        """Named suites (e.g. smoke, all) to their workflow ids."""
        ...

    def workflows(self) -> Mapping[str, str]:
        """Every workflow id to its plain-words description (with `{param}` placeholders)."""
        ...

    def resolve(self, spec: str) -> list[str]:
        """Workflow ids of a suite name, an app name, or a comma list of ids; EclairError for an unknown one."""
        ...

    def make_env(self, workflow_id: str, base_url: str) -> TaskEnvironment:
        """A TaskEnvironment for one workflow against the server at `base_url`."""
        ...

    def serve(self, port: int = 0) -> AbstractContextManager[AppServer]:
        """Serve the apps on 127.0.0.1 while the block runs; port 0 picks a free one."""
        ...

    def server_banner(self, base_url: str) -> list[str]:
        """Lines telling a person where each app is and how to sign in."""
        ...


AgentFactory = Callable[..., Agent]


class WeightFitter(Protocol):
    """Fits an agent's own policy weights from good steps and saves them into `model_dir` (a model version's
    directory, where the agent looks for them when that model runs), starting from `start_model`'s weights.
    Returns a JSON-able summary (rows fitted, loss before and after)."""

    def __call__(self, steps: Sequence[StepRecord], model_dir: Path, start_model: str) -> Mapping[str, Any]: ...


@cache
def _group(group: str) -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=group)}


def _load(group: str, name: str, what: str) -> Any:
    found = _group(group)
    if name not in found:
        known = ", ".join(sorted(found)) or f"none ({REINSTALL_HINT})"
        raise UnknownPlugin(f"unknown {what} {name!r}; choose one of: {known}")
    return found[name].load()


def agent_names() -> list[str]:
    """Names of every registered agent."""
    return sorted(_group(AGENT_GROUP))


def make_agent(name: str, backend: Any, **options: Any) -> Agent:
    """Build the agent registered as `name` around `backend`."""
    factory: AgentFactory = _load(AGENT_GROUP, name, "agent")
    return factory(backend, **options)


def environment_names() -> list[str]:
    """Names of every registered environment family."""
    return sorted(_group(ENVIRONMENT_GROUP))


def environments(name: str = "demos") -> EnvironmentFamily:
    """The environment family registered as `name` (the demo apps by default)."""
    family = _load(ENVIRONMENT_GROUP, name, "environment family")
    if not isinstance(family, EnvironmentFamily):
        raise UnknownPlugin(f"entry point {name!r} in {ENVIRONMENT_GROUP} is not an EnvironmentFamily")
    return family


def find_environments(name: str = "demos") -> EnvironmentFamily | None:
    """Like `environments`, or None where no package registers that family (e.g. the demos are not installed)."""
    return environments(name) if name in _group(ENVIRONMENT_GROUP) else None


def probe(name: str) -> Callable[..., Any]:
    """The model probe registered as `name` (e.g. `grounding`)."""
    return _load(PROBE_GROUP, name, "probe")  # type: ignore[no-any-return]


def weight_fitter(agent: str) -> WeightFitter | None:
    """The weight fitter the agent `agent`'s package registers, or None (an agent with no learned weights)."""
    return _load(FITTER_GROUP, agent, "weight fitter") if agent in _group(FITTER_GROUP) else None
