"""The workflow contract: a spec (text, parameters, start URL, hidden checker, scripted solution) and its env.

A `WorkflowSpec` is data; `DemoEnv` turns one into a BrowserGym-style TaskEnvironment: `setup` resets the app
to a seeded tenant through the hidden admin endpoint, `validate` reads the app's hidden JSON state. Neither the
checker nor the scripted solution is ever part of the Task an agent sees.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from demos.common import ADMIN_HEADER, ADMIN_TOKEN
from eclair.errors import EclairError
from eclair.types import Task

State = dict[str, list[dict[str, Any]]]
Params = dict[str, str]
Check = Callable[[State, State, Params], tuple[bool, str]]  # (initial state, final state, params) -> (ok, reason)
SECRET_KEYS = frozenset({"password"})  # params that are secrets: never in Task.text


class DemoAppUnreachable(EclairError):
    """The demo server is not running at the given base URL."""


@dataclass(frozen=True)
class Step:
    """One scripted step of the reference solution: what a person would read, and how Playwright does it."""

    text: str
    run: Callable[[Any], None]  # takes a Playwright Page


@dataclass(frozen=True)
class WorkflowSpec:
    id: str
    app: str  # helpdesk | clinic | procurement
    description: str  # str.format template over params
    start_path: str  # str.format template, relative to the server root, e.g. "/helpdesk/tickets/new"
    make_params: Callable[[random.Random, State], Params]  # seeded rng + the seeded start state
    check: Check
    solution: Callable[[Params], list[Step]]
    wrong_params: Callable[[Params, State], Params]  # a plausible but wrong variant, for the checker's tests
    login: bool = True  # start signed in; False means the workflow itself goes through the login form
    user: str = ""  # who is signed in when login is True (the app's first user when empty)
    max_steps: int = 20
    tags: tuple[str, ...] = field(default_factory=tuple)

    def task_text(self, params: Params) -> str:
        visible = {k: ("[secret]" if k in SECRET_KEYS else v) for k, v in params.items()}
        return self.description.format(**visible)


class DemoEnv:
    """A TaskEnvironment for one demo workflow against a running DemoServer."""

    def __init__(self, spec: WorkflowSpec, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.spec = spec
        self.name = f"demos/{spec.id}"
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, headers={ADMIN_HEADER: ADMIN_TOKEN}, timeout=timeout_s)
        self.tenant: str | None = None
        self.params: Params = {}
        self.initial: State = {}
        self.last_reason = ""

    def _admin(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, f"/{self.spec.app}/__admin/{path}", **kwargs)
        except httpx.TransportError as exc:
            raise DemoAppUnreachable(
                f"no demo server at {self.base_url} ({exc}); start it with `eclair serve-demos`"
            ) from None
        response.raise_for_status()
        return response.json()

    def reset(self, seed: int) -> Params:
        """Fresh seeded tenant + parameters, without touching a browser (setup calls this)."""
        user = self.spec.user or _first_user(self.spec.app)
        reply = self._admin("POST", "reset", json={"seed": seed, "login_as": user if self.spec.login else None})
        self.tenant, self._session = reply["tenant"], reply["session"]
        self.initial = self.state()
        self.params = self.spec.make_params(random.Random(f"{self.spec.id}-{seed}"), self.initial)
        return self.params

    def state(self) -> State:
        """The app's hidden JSON state for this env's tenant."""
        return dict(self._admin("GET", "state", params={"tenant": self.tenant}))

    def setup(self, page: Any, seed: int) -> Task:
        params = self.reset(seed)
        app = self.spec.app
        host = self.base_url.split("://", 1)[1].split(":")[0]
        context = page.context
        context.clear_cookies(name=f"{app}_session")
        cookies = [{"name": f"{app}_tenant", "value": self.tenant, "domain": host, "path": f"/{app}"}]
        if self._session:
            cookies.append({"name": f"{app}_session", "value": self._session, "domain": host, "path": f"/{app}"})
        context.add_cookies(cookies)
        start_url = self.base_url + self.spec.start_path.format(**params)
        page.goto(start_url)
        text = self.spec.task_text(params)
        leaked = [k for k in SECRET_KEYS if k in params and params[k] in text]
        if leaked:
            raise AssertionError(f"workflow {self.spec.id} puts secret {leaked} in its task text")
        return Task(
            id=f"{self.spec.id}-{seed}",
            text=text,
            start_url=start_url,
            params=params,
            workflow=self.spec.id,
            env=self.name,
            seed=seed,
            max_steps=self.spec.max_steps,
        )

    def check(self) -> tuple[bool, str]:
        """Run the hidden checker on the app's current state; also remembers the reason."""
        if self.tenant is None:
            raise RuntimeError("call setup() before validate()")
        ok, reason = self.spec.check(self.initial, self.state(), self.params)
        self.last_reason = reason
        return ok, reason

    def validate(self, page: Any) -> tuple[float, bool]:
        ok, _ = self.check()
        return (1.0, True) if ok else (0.0, False)

    def teardown(self) -> None:
        self._http.close()


def _first_user(app: str) -> str:
    from demos.server import APPS

    return next(iter(APPS[app].users))
