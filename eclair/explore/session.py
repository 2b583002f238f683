"""`eclair explore`'s phases as library calls: map an app, propose tasks with intended effects, store both."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from pydantic import BaseModel, Field

from eclair.browser import current_page, navigate, new_context, open_browser
from eclair.browser.pagemap import log_in
from eclair.config import Settings
from eclair.errors import EclairError
from eclair.explore.appmap import AppMap
from eclair.explore.crawl import map_app
from eclair.explore.propose import ProposedTask, propose_tasks
from eclair.store import Store


class LoginFailed(EclairError):
    """The app's login form did not accept the credentials."""


class Credentials(BaseModel):
    """Who the crawl signs in as; the password is read from the environment at the moment of use."""

    username: str
    password_env: str = "ECLAIR_LOGIN_PASSWORD"

    def password(self) -> str:
        value = os.environ.get(self.password_env)
        if not value:
            raise LoginFailed(f"--login {self.username} needs the password in ${self.password_env}; export it first")
        return value


class ExploreReport(BaseModel):
    """What one `eclair explore` did: the map's coverage and the proposals by split."""

    app: str
    base_url: str
    counts: dict[str, int]
    proposed: int
    splits: dict[str, int] = Field(default_factory=dict)
    skipped: int = 0


def split_of(task: ProposedTask, heldout_share: float) -> str:
    """A stable split from the task text: the same proposal always lands on the same side."""
    bucket = int(hashlib.sha1(task.text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "heldout" if bucket < heldout_share else "train"


def explore(
    settings: Settings,
    url: str,
    *,
    name: str,
    login: Credentials | None = None,
    max_pages: int = 60,
    per_form: int = 3,
    seed: int = 0,
    heldout_share: float = 0.3,
    on_page: Callable[[str], None] | None = None,
) -> ExploreReport:
    """Map the app at `url` read-only, propose tasks from its forms, and store the map and the proposals."""
    store = Store(settings)
    with open_browser(settings) as browser:
        context = new_context(browser)
        page = current_page(context)
        navigate(page, url)
        if login is not None and not log_in(page, login.username, login.password()):
            raise LoginFailed(f"the login form at {page.url} refused user {login.username!r}; check the credentials")
        app = map_app(page, url, name=name, max_pages=max_pages, on_page=on_page)
        app.login = login.model_dump() if login else None
        context.close()
    return save_exploration(store, app, per_form=per_form, seed=seed, heldout_share=heldout_share)


def save_exploration(
    store: Store, app: AppMap, *, per_form: int = 3, seed: int = 0, heldout_share: float = 0.3
) -> ExploreReport:
    tasks = propose_tasks(app, seed=seed, per_form=per_form)
    store.save_app_map(app.name, app.base_url, app.model_dump(mode="json"))
    rows = [(t.model_dump(mode="json"), split_of(t, heldout_share)) for t in tasks]
    store.replace_proposed_tasks(app.name, rows)
    splits: dict[str, int] = {}
    for _, split in rows:
        splits[split] = splits.get(split, 0) + 1
    return ExploreReport(
        app=app.name,
        base_url=app.base_url,
        counts=app.counts(),
        proposed=len(tasks),
        splits=splits,
        skipped=len(app.skipped),
    )
