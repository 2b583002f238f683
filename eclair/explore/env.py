"""Proposed tasks as task environments: the proposer's own state check is the reward (no human labels)."""

from __future__ import annotations

import os
from typing import Any

from eclair.browser import navigate
from eclair.browser.pagemap import content_key, log_in, read_page_map, shows_login_form, side_page
from eclair.config import Settings
from eclair.errors import EclairError
from eclair.explore.propose import ProposedTask
from eclair.explore.verify import Verification, current_values, verify_task
from eclair.store import Store
from eclair.types import Task

_REDRAWS = 4  # a create whose values some row already shows is drawn again, so its check proves a change


class ExploreEnv:
    """One proposed task of an explored app. setup signs in, reads what the record holds, draws values that
    change it; validate revisits the app and checks the values landed in the right fields."""

    def __init__(self, app: str, proposal_id: int, task: ProposedTask, login: dict[str, str] | None = None) -> None:
        self.name = f"explore:{app}/{proposal_id}"
        self.proposal_id = proposal_id
        self.task = task
        self.login = login
        self.intended: dict[str, str] = {}
        self.last: Verification | None = None
        self._checked_at = ""  # content_key of the agent's page when `last` was computed

    def setup(self, page: Any, seed: int) -> Task:
        self._sign_in(page)
        for attempt in range(_REDRAWS):
            current: dict[str, str] = {}
            if self.task.kind == "edit" and self.task.check_urls:
                navigate(page, self.task.check_urls[0])
                current = current_values(read_page_map(page))
            text, intended = self.task.instantiate(seed + attempt * 100_003, current)
            if self.task.kind == "edit" or not verify_task(page, self.task, intended).passed:
                break
        self.intended, self.last, self._checked_at = intended, None, ""
        navigate(page, self.task.start_url)
        return Task(text=text, start_url=self.task.start_url, params={}, workflow=None)

    def validate(self, page: Any) -> tuple[float, bool]:
        """Check the app in a side context (the agent's tab stays where it is); done once the effect is there."""
        key = content_key(page)
        if self.last is None or key != self._checked_at:
            with side_page(page) as side:
                self.last = verify_task(side, self.task, self.intended)
            self._checked_at = key
        return (1.0 if self.last.passed else 0.0), self.last.passed

    def teardown(self) -> None:
        """Nothing to release: the app is the user's (a staging copy when writes are allowed)."""

    def _sign_in(self, page: Any) -> None:
        if not self.login:
            return
        navigate(page, self.task.start_url)
        if not shows_login_form(page):
            return  # the context is signed in already
        password = os.environ.get(self.login["password_env"], "")
        if not password or not log_in(page, self.login["username"], password):
            raise EclairError(
                f"cannot sign in to {self.task.start_url} as {self.login['username']}: "
                f"export the password in ${self.login['password_env']}"
            )


def explore_envs(settings: Settings, app: str, split: str | None = None) -> list[ExploreEnv]:
    """The stored proposals of `app` (one split, or all) as environments."""
    store = Store(settings)
    app_map = store.get_app_map(app)
    login = app_map.get("login")
    proposals = store.list_proposed_tasks(app, split)
    if not proposals:
        raise EclairError(f"app {app!r} has no proposed tasks{f' in split {split}' if split else ''}; explore it first")
    return [ExploreEnv(app, p["id"], ProposedTask.model_validate(p["task"]), login) for p in proposals]
