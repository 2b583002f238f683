"""Turn the Home form into a run: check the inputs (inline errors, never tracebacks), then execute it.

Everything here runs in a worker thread: Playwright's sync API and model loading must stay off the UI loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx

from eclair.config import Settings
from eclair.errors import EclairError
from eclair.plugins import find_environments, make_agent
from eclair.types import RunEvent, Task

if TYPE_CHECKING:
    from eclair.store import Store

log = logging.getLogger(__name__)

AGENTS = ("scoring", "eclair")
BACKENDS = ("local", "openai")


class FormError(EclairError):
    """A Home-form input the user must fix; `field` names the widget to point at."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class RunRequest:
    """What the Home form asks for."""

    description: str
    start_url: str = ""
    demo_workflow: str = ""  # a demos.suite workflow id; the demo server is started for the run
    workflow: str = ""  # a saved workflow name (its SOP guides the agent)
    agent: str = "scoring"
    backend: str = "local"
    model: str = ""
    seed: int = 0


@dataclass
class PreparedRun:
    """A checked request with its backend loaded and agent built; ready to execute."""

    request: RunRequest
    settings: Settings
    agent: Any
    backend: Any
    extras: dict[str, Any] = field(default_factory=dict)


def demo_workflow_ids() -> list[str]:
    """Workflow ids of the demo suite (smoke first), or [] while the demos package is not installed."""
    apps = find_environments()
    if apps is None:
        return []
    smoke = list(apps.suites().get("smoke", []))
    return smoke + [w for w in apps.workflows() if w not in smoke]


def demo_workflow_text(workflow_id: str) -> str:
    """The plain-words task of a demo workflow, to prefill the description."""
    apps = find_environments()
    return "" if apps is None else apps.workflows().get(workflow_id, "")


def check_form(request: RunRequest) -> None:
    """Cheap checks of the typed values; raises FormError naming the field."""
    if not request.description.strip() and not request.demo_workflow:
        raise FormError("description", "Describe the workflow in plain words first (or pick a demo app).")
    if not request.start_url.strip() and not request.demo_workflow:
        raise FormError("start", "Give a start URL (http://…) or pick a demo app.")
    if request.start_url.strip() and not request.demo_workflow:
        parsed = urlparse(request.start_url.strip())
        if parsed.scheme not in ("http", "https", "file") or not (parsed.netloc or parsed.scheme == "file"):
            raise FormError("start", f"'{request.start_url}' is not a URL; write it like http://host:port/path.")
    if request.agent not in AGENTS:
        raise FormError("agent", f"unknown agent '{request.agent}'; pick one of {', '.join(AGENTS)}.")
    if request.backend not in BACKENDS:
        raise FormError("backend", f"unknown backend '{request.backend}'; pick one of {', '.join(BACKENDS)}.")


def check_reachable(url: str, *, timeout_s: float = 4.0) -> None:
    """Any HTTP answer counts as reachable; a refused or unresolved connection is a FormError."""
    if url.startswith("file:"):
        return
    try:
        httpx.get(url, timeout=timeout_s, follow_redirects=True)
    except httpx.HTTPError as exc:
        reason = type(exc).__name__ if not str(exc) else str(exc).splitlines()[0]
        raise FormError("start", f"Cannot reach {url} ({reason}); check the address or start the app.") from None


def prepare_run(request: RunRequest, settings: Settings) -> PreparedRun:
    """Validate the request, load the backend and build the agent; FormError on anything the user can fix."""
    check_form(request)
    if request.start_url.strip() and not request.demo_workflow:
        check_reachable(request.start_url.strip())
    run_settings = settings.with_overrides(agent=request.agent, backend=request.backend, model=request.model or None)
    try:
        from eclair.models import load_backend

        backend = load_backend(run_settings, backend=request.backend, model=request.model or None)
    except EclairError as exc:
        raise FormError("backend", f"Backend '{request.backend}' is not usable: {exc}") from None
    try:
        agent = make_agent(request.agent, backend)
    except EclairError as exc:
        raise FormError("agent", f"Agent '{request.agent}' cannot start: {exc}") from None
    return PreparedRun(request=request, settings=run_settings, agent=agent, backend=backend)


def _task_for(request: RunRequest, store: Store, settings: Settings) -> Task:
    from eclair.demonstrations import task_sop

    sop = task_sop(store, request.workflow, {}) if request.workflow else None  # numbering stripped, as agents expect
    return Task(
        text=request.description.strip(),
        start_url=request.start_url.strip() or None,
        workflow=request.workflow or None,
        sop=sop,
        max_steps=settings.max_steps,
    )


def execute_prepared(
    prepared: PreparedRun,
    store: Store,
    *,
    on_event: Callable[[RunEvent], None],
    control: Any = None,
    gate: Any = None,
) -> Any:
    """Run the request to the end in the calling (worker) thread and return the runner's RunOutcome."""
    from eclair.assemble import RunParts, build_run
    from eclair.critics import default_panel

    request, settings = prepared.request, prepared.settings
    parts = RunParts(store=store, agent=prepared.agent, critics=default_panel(), backend=prepared.backend)
    if request.demo_workflow:
        return _execute_demo(prepared, parts, on_event=on_event, control=control, gate=gate)
    from eclair.runner import execute

    spec = build_run(_task_for(request, store, settings), parts, settings, gate=gate)
    return execute(spec, settings, store=store, on_event=on_event, control=control)


def _execute_demo(
    prepared: PreparedRun, parts: Any, *, on_event: Callable[[RunEvent], None], control: Any, gate: Any
) -> Any:
    """Serve the demo apps and run there: the workflow's own task (then its checker judges it) unless the person
    wrote something else, which then runs exactly as written from the workflow's start page."""
    from eclair.demo_run import run_demo_workflow

    request = prepared.request
    typed = request.description.strip()
    own_words = typed and typed != demo_workflow_text(request.demo_workflow).strip()
    result = run_demo_workflow(
        request.demo_workflow,
        prepared.settings,
        seed=request.seed,
        description=typed if own_words else None,
        parts=parts,
        on_event=on_event,
        gate=gate,
        control=control,
    )
    verdict = "no checker" if result.success is None else ("pass" if result.success else "fail")
    on_event(RunEvent(kind="log", run_id=result.run_id, data={"message": f"checker: {verdict} ({result.reason})"}))
    return result.outcome
