"""A self-generated curriculum: synthetic pages and tasks with known answers, checked by the page's own JS state.

`curriculum_envs(n, seed)` returns n TaskEnvironments, each a task family (buttons, links, text fields, selects,
checkboxes, radios, tabs, dialogs, forms of 2–6 actions) with its own generation salt; `setup(page, seed)` makes
a concrete page from (salt, seed), so rollouts and held-out seeds give fresh instances of the same family.
Pages are served by intercepting requests to a local-only origin, so they have a real http URL and no server.
"""

from __future__ import annotations

import json
import logging
import random
import string
from functools import cache
from pathlib import Path
from typing import Any

from eclair.bench.curriculum_tasks import GENERATORS, Generated
from eclair.errors import EclairError
from eclair.types import Task

log = logging.getLogger(__name__)

ORIGIN = "http://curriculum.eclair.localhost"  # never resolved: every request to it is answered in-process
KINDS = list(GENERATORS)
_HERE = Path(__file__).parent


class CurriculumError(EclairError):
    """A curriculum request a user can fix (unknown kind, bad count)."""


@cache
def _template() -> string.Template:
    return string.Template((_HERE / "curriculum_page.html").read_text())


@cache
def _checker_js() -> str:
    return (_HERE / "curriculum_checker.js").read_text()


def render_page(generated: Generated) -> str:
    """The full HTML document of a generated task (the goal is NOT in it; setup installs it in JS)."""
    return _template().substitute(title=generated.title, body=generated.body, checker=_checker_js())


class CurriculumEnv:
    """One task family with a fixed salt; each seed gives a new concrete page and task text."""

    def __init__(self, kind: str, salt: int, index: int = 0) -> None:
        if kind not in GENERATORS:
            raise CurriculumError(f"unknown curriculum kind {kind!r}; choose from {', '.join(KINDS)}")
        self.kind = kind
        self.salt = salt
        self.name = f"curriculum/{kind}-{index:03d}"
        self.current: Generated | None = None  # the last generated task (for scripted solvers and previews)

    def generate(self, seed: int) -> Generated:
        return GENERATORS[self.kind](random.Random(f"{self.kind}:{self.salt}:{seed}"))

    def url(self, seed: int) -> str:
        return f"{ORIGIN}/{self.name.split('/', 1)[1]}/{seed}.html"

    def setup(self, page: Any, seed: int) -> Task:
        generated = self.generate(seed)
        document = render_page(generated)
        url = self.url(seed)

        def fulfill(route: Any) -> None:
            if route.request.url.split("#", 1)[0] == url:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document)
            else:  # anything else on the fake origin (favicon, stray links) is empty, never the network
                route.fulfill(status=404, content_type="text/plain", body="")

        page.unroute(f"{ORIGIN}/**")  # a page reused for another seed must serve the new document
        page.route(f"{ORIGIN}/**", fulfill)
        page.goto(url, wait_until="load")
        page.evaluate("goal => window.__curriculum_install(goal)", generated.goal)
        self.current = generated
        return Task(
            id=f"{self.name}#{seed}",
            text=generated.text,
            start_url=None,  # the page is already open with its hidden goal installed
            env=self.name,
            seed=seed,
            max_steps=len(generated.solution) + 4,
        )

    def validate(self, page: Any) -> tuple[float, bool]:
        try:
            state = page.evaluate("() => window.__curriculum_eval ? window.__curriculum_eval() : null")
        except Exception as exc:  # page closed or mid-navigation
            log.debug("%s: cannot read the page state (%s)", self.name, exc)
            state = None
        if state is None:  # the agent left the task page
            return 0.0, True
        return (1.0 if state["success"] else 0.0), bool(state["done"])

    def teardown(self) -> None:
        """Nothing to release: the route dies with the page's context."""


def curriculum_envs(n: int, seed: int = 0, kinds: list[str] | None = None) -> list[CurriculumEnv]:
    """n environments cycling through the task families in a seeded order, each with its own salt."""
    if n < 1:
        raise CurriculumError(f"--n {n}: ask for at least one curriculum task")
    families = list(kinds or KINDS)
    unknown = [k for k in families if k not in GENERATORS]
    if unknown:
        raise CurriculumError(f"unknown curriculum kind(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    rng = random.Random(seed)
    order: list[str] = []
    while len(order) < n:
        batch = families[:]
        rng.shuffle(batch)
        order += batch
    return [CurriculumEnv(kind, rng.randrange(1 << 30), i) for i, kind in enumerate(order[:n])]


def write_preview(envs: list[CurriculumEnv], seed: int, out: Path) -> Path:
    """Write each env's page at `seed` as standalone HTML (goal installed inline) plus tasks.jsonl; return it."""
    out.mkdir(parents=True, exist_ok=True)
    index = out / "tasks.jsonl"
    with index.open("w") as fh:
        for env in envs:
            generated = env.generate(seed)
            stem = env.name.split("/", 1)[1]
            install = f"<script>window.__curriculum_install({json.dumps(generated.goal)});</script>"
            (out / f"{stem}.html").write_text(render_page(generated).replace("</body>", install + "\n</body>"))
            row = {
                "env": env.name,
                "kind": env.kind,
                "seed": seed,
                "text": generated.text,
                "page": f"{stem}.html",
                "goal": generated.goal,
                "solution": generated.solution,
                "wrong": generated.wrong,
            }
            fh.write(json.dumps(row) + "\n")
    return index
