"""Named task suites for the improvement loop and benchmarks, with the servers they need kept alive."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from eclair.errors import EclairError
from eclair.plugins import environments
from eclair.types import TaskEnvironment

SUITE_HELP = (
    "miniwob-dev, miniwob-heldout, miniwob-all, demos, demos-smoke, curriculum[:N], a comma list of MiniWoB++ task "
    "names or of demo workflow names, or several of these joined with + (e.g. click-tab,login-user+demos-smoke, "
    "helpdesk-change-tier,procurement-reject-invoice)"
)


class UnknownSuite(EclairError):
    pass


@contextmanager
def open_suite(name: str, *, seed: int = 0) -> Iterator[list[TaskEnvironment]]:
    """Yield the suite's environments; servers (MiniWoB++ files, demo apps) stay up until the block ends."""
    with ExitStack() as stack:
        yield _build(name, stack, seed)


def _build(name: str, stack: ExitStack, seed: int) -> list[TaskEnvironment]:
    if "+" in name:
        parts = [part.strip() for part in name.split("+")]
        if not all(parts):
            raise UnknownSuite(f"suite {name!r} has an empty part; use {SUITE_HELP}")
        return [env for part in parts for env in _build(part, stack, seed)]
    if name.startswith("curriculum"):
        from eclair.bench.curriculum import curriculum_envs

        n = int(name.split(":", 1)[1]) if ":" in name else 24
        return list(curriculum_envs(n, seed))
    suites = environments().suites()
    if name in ("demos", "demos-smoke", "demos-all"):
        return _demo_envs(suites["smoke" if name == "demos-smoke" else "all"], stack)
    names = [part.strip().removeprefix("demos/") for part in name.split(",")]
    demo_names = [n for n in names if n in suites["all"]]  # demo workflows by name: a company's own workflows
    if demo_names:
        rest = ",".join(n for n in names if n not in demo_names)
        return _demo_envs(demo_names, stack) + (_build(rest, stack, seed) if rest else [])
    from eclair.bench.miniwob import TASK_SETS, make_envs, resolve_tasks, serve_miniwob

    if name.startswith("miniwob-") and name.removeprefix("miniwob-") in (*TASK_SETS, "all"):
        tasks = resolve_tasks(task_set=name.removeprefix("miniwob-"))
    elif "," in name or name.replace("-", "").replace(".", "").isalnum():
        tasks = resolve_tasks(tasks=name)
    else:
        raise UnknownSuite(f"unknown suite {name!r}; use {SUITE_HELP}")
    server = stack.enter_context(serve_miniwob())
    return list(make_envs(tasks, server))


def _demo_envs(ids: list[str], stack: ExitStack) -> list[TaskEnvironment]:
    apps = environments()
    server = stack.enter_context(apps.serve(port=0))
    return [apps.make_env(wid, server.base_url) for wid in ids]
