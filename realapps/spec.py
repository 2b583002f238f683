"""A real-app workflow (plain-words text, seeded parameters, a checker that reads the app's SQLite DB) and its env.

`RealAppEnv` is a BrowserGym-style TaskEnvironment: `setup` resets this thread's server for the app to the
pristine template DB, signs the browser in (a seeded session cookie) when the workflow starts signed in, and
opens the start page; `validate` runs the hidden checker on the live DB. The checker and the `effect` and
`near_miss` functions (used only by the self-tests, to make the intended and an almost-right change through
the app's own models) are never part of the Task.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from eclair.types import Task
from realapps.server import POOL, AppServer

Params = dict[str, str]
Check = Callable[[sqlite3.Connection, Params], tuple[bool, str]]
SECRET_KEYS = frozenset({"password"})
Split = Literal["dev", "holdout"]


@dataclass(frozen=True)
class RealWorkflow:
    id: str
    app: str  # the realapps project: wagtail_cms | oscar_shop
    split: Split
    description: str  # str.format template over params; a secret appears as {{{{password}}}}
    start_path: str
    make_params: Callable[[random.Random], Params]
    check: Check
    effect: Callable[[Params], None]  # the intended change, made through the app's models (self-tests only)
    near_miss: Callable[[Params], None]  # an almost-right change the checker must reject (self-tests only)
    user: str | None = None  # signed in at the start; None: the workflow itself signs in
    max_steps: int = 20

    def params_for(self, seed: int) -> Params:
        return self.make_params(random.Random(f"{self.id}-{seed}"))

    def task_text(self, params: Params) -> str:
        return self.description.format(**{k: ("[secret]" if k in SECRET_KEYS else v) for k, v in params.items()})

    def visible_params(self, params: Params) -> Params:
        return {k: v for k, v in params.items() if k not in SECRET_KEYS and "{" + k + "}" in self.description}


def read_db(db: Path) -> sqlite3.Connection:
    """A read-only connection to an app's DB (the checker never writes)."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10.0)


def run_check(workflow: RealWorkflow, db: Path, params: Params) -> tuple[bool, str]:
    connection = read_db(db)
    try:
        return workflow.check(connection, params)
    finally:
        connection.close()


@dataclass
class Episode:
    server: AppServer
    params: Params


class RealAppEnv:
    """A TaskEnvironment for one real-app workflow; each worker thread drives its own server (see ServerPool)."""

    def __init__(self, workflow: RealWorkflow) -> None:
        self.workflow = workflow
        self.name = f"realapps/{workflow.id}"
        self._local = threading.local()
        self.last_reason = ""

    @property
    def episode(self) -> Episode:
        episode: Episode | None = getattr(self._local, "episode", None)
        if episode is None:
            raise RuntimeError(f"{self.name}: call setup() before validate()")
        return episode

    def setup(self, page: Any, seed: int) -> Task:
        server = POOL.acquire(self.workflow.app)
        params = self.workflow.params_for(seed)
        self._local.episode = Episode(server, params)
        page.context.clear_cookies()
        if self.workflow.user is not None:
            session = server.template.facts["sessions"][self.workflow.user]
            cookie = {"name": server.template.facts["session_cookie"], "value": session, "url": server.base_url}
            page.context.add_cookies([cookie])
        start_url = server.base_url + self.workflow.start_path
        page.goto(start_url)
        text = self.workflow.task_text(params)
        if any(params[k] in text for k in SECRET_KEYS if k in params):
            raise AssertionError(f"workflow {self.workflow.id} puts a secret in its task text")
        return Task(
            id=f"{self.workflow.id}-{seed}",
            text=text,
            start_url=start_url,
            params=self.workflow.visible_params(params),
            secrets={k: v for k, v in params.items() if k in SECRET_KEYS},
            workflow=self.workflow.id,
            env=self.name,
            seed=seed,
            max_steps=self.workflow.max_steps,
        )

    def check(self) -> tuple[bool, str]:
        episode = self.episode
        ok, reason = run_check(self.workflow, episode.server.db, episode.params)
        self.last_reason = reason
        return ok, reason

    def validate(self, page: Any) -> tuple[float, bool]:
        ok, _ = self.check()
        return (1.0, True) if ok else (0.0, False)

    def reward_reason(self, page: Any) -> str:
        return self.check()[1]

    def teardown(self) -> None:
        """The server stays up for this thread's next episode (reset then); the pool stops it at exit."""
        self._local.episode = None
