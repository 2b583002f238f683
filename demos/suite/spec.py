"""The workflow contract: a spec (text, parameters, start URL, hidden checker, scripted solution) and its env.

A `WorkflowSpec` is data; `DemoEnv` turns one into a BrowserGym-style TaskEnvironment: `setup` resets the app
to a seeded tenant through the hidden admin endpoint, `validate` reads the app's hidden JSON state. Neither the
checker nor the scripted solution is ever part of the Task an agent sees.
"""

from __future__ import annotations

import random
import threading
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
    agent_params: tuple[str, ...] = ()  # params the agent needs beyond those the text names (e.g. a file path)

    def visible_params(self, params: Params) -> Params:
        """What Task.params shows: values the text names plus agent_params; no internal ids, no secrets."""
        return {
            k: v
            for k, v in params.items()
            if k not in SECRET_KEYS and ("{" + k + "}" in self.description or k in self.agent_params)
        }

    def params_for(self, seed: int, state: State) -> Params:
        """The episode's parameters: a pure function of the workflow, the seed and the seeded start state."""
        return self.make_params(random.Random(f"{self.id}-{seed}"), state)

    def task_text(self, params: Params) -> str:
        visible = {k: ("[secret]" if k in SECRET_KEYS else v) for k, v in params.items()}
        return self.description.format(**visible)


@dataclass
class Episode:
    """What one setup() created: the tenant (the app's seeded database), its start state and the parameters."""

    tenant: str
    session: str | None
    params: Params
    initial: State


class DemoEnv:
    """A TaskEnvironment for one demo workflow against a running DemoServer.

    Episodes are keyed by tenant, and `validate(page)` finds the tenant in the page's cookies, so one env object
    can serve several browser contexts at once (the benchmark harness runs workers in parallel). The `tenant`,
    `params`, `initial` and `last_reason` attributes describe the most recent episode, for scripts and tests.
    """

    MAX_EPISODES = 64  # remembered episodes; teardown() cannot tell which one ended, so the oldest are dropped

    def __init__(self, spec: WorkflowSpec, base_url: str, *, timeout_s: float = 10.0) -> None:
        self.spec = spec
        self.name = f"demos/{spec.id}"
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._episodes: dict[str, Episode] = {}
        self._lock = threading.Lock()
        self.tenant: str | None = None
        self.params: Params = {}
        self.initial: State = {}
        self.last_reason = ""

    def __getstate__(self) -> dict[str, Any]:
        # Sent to another process (a Ray worker), the env starts with no episodes of its own and a new lock.
        state = self.__dict__.copy()
        state["_episodes"], state["_lock"] = {}, None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _admin(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}/{self.spec.app}/__admin/{path}"
        try:
            response = _client().request(
                method, url, headers={ADMIN_HEADER: ADMIN_TOKEN}, timeout=self.timeout_s, **kwargs
            )
        except httpx.TransportError as exc:
            raise DemoAppUnreachable(
                f"no demo server at {self.base_url} ({exc}); start it with `eclair serve-demos`"
            ) from None
        response.raise_for_status()
        return response.json()

    def reset(self, seed: int) -> Episode:
        """Fresh seeded tenant + parameters, without touching a browser (setup calls this)."""
        user = self.spec.user or _first_user(self.spec.app)
        reply = self._admin("POST", "reset", json={"seed": seed, "login_as": user if self.spec.login else None})
        tenant = reply["tenant"]
        initial = self.state(tenant)
        params = self.spec.params_for(seed, initial)
        episode = Episode(tenant, reply["session"], params, initial)
        with self._lock:
            self._episodes[tenant] = episode
            while len(self._episodes) > self.MAX_EPISODES:
                self._episodes.pop(next(iter(self._episodes)))
            self.tenant, self.params, self.initial = tenant, params, initial
        return episode

    def state(self, tenant: str | None = None) -> State:
        """The app's hidden JSON state for a tenant (the latest episode's by default)."""
        return dict(self._admin("GET", "state", params={"tenant": tenant or self.tenant}))

    def setup(self, page: Any, seed: int) -> Task:
        episode = self.reset(seed)
        app, params = self.spec.app, episode.params
        host = self.base_url.split("://", 1)[1].rsplit(":", 1)[0]
        context = page.context
        context.clear_cookies(name=f"{app}_session")
        cookies = [{"name": f"{app}_tenant", "value": episode.tenant, "domain": host, "path": f"/{app}"}]
        if episode.session:
            cookies.append({"name": f"{app}_session", "value": episode.session, "domain": host, "path": f"/{app}"})
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
            params=self.spec.visible_params(params),
            secrets={k: v for k, v in params.items() if k in SECRET_KEYS},  # typed via {{password}}, never stored
            workflow=self.spec.id,
            env=self.name,
            seed=seed,
            max_steps=self.spec.max_steps,
        )

    def _episode_of(self, page: Any) -> Episode:
        tenant = None
        if page is not None:
            cookie = f"{self.spec.app}_tenant"
            tenant = next(
                (c["value"] for c in page.context.cookies(f"{self.base_url}/{self.spec.app}/") if c["name"] == cookie),
                None,
            )
        with self._lock:
            episode = self._episodes.get(tenant or "") or self._episodes.get(self.tenant or "")
        if episode is None:
            raise RuntimeError(f"{self.name}: call setup() before validate()")
        return episode

    def check(self, page: Any = None) -> tuple[bool, str]:
        """Run the hidden checker on the app's current state (the page picks the episode); remembers the reason."""
        episode = self._episode_of(page)
        ok, reason = self.spec.check(episode.initial, self.state(episode.tenant), episode.params)
        self.last_reason = reason
        return ok, reason

    def validate(self, page: Any) -> tuple[float, bool]:
        ok, _ = self.check(page)
        return (1.0, True) if ok else (0.0, False)

    def reward_reason(self, page: Any) -> str:
        """Why the checker passed or failed, in one line (the benchmark harness stores it with the verdict)."""
        return self.check(page)[1]

    def teardown(self) -> None:
        """Nothing to release: tenants live in the server (capped there), HTTP calls use no pooled client."""


_CLIENT: httpx.Client | None = None
_CLIENT_LOCK = threading.Lock()


def _client() -> httpx.Client:
    """One pooled client for every checker call: a fresh one per call builds an SSL context (~25 ms)."""
    global _CLIENT
    with _CLIENT_LOCK:
        if _CLIENT is None:
            _CLIENT = httpx.Client()
        return _CLIENT


def _first_user(app: str) -> str:
    from demos.server import APPS

    return next(iter(APPS[app].users))
