"""Labelled runs for `eclair bench critic` when the store has few: scripted demo workflows run through the real
runner, correct and incorrect (wrong values, a skipped step, stopped early), labelled by the hidden checker.

The scripted agent reads the workflow's reference steps ('Type "Acme" into "Customer"') and grounds each in the
current observation by role and name, so its runs are recorded exactly like any agent's.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eclair.assemble import RunParts, build_run
from eclair.config import Settings
from eclair.critics.panel import CriticPanel
from eclair.critics.verify import Verifier
from eclair.runner import run_task
from eclair.types import Action, Decision, Element, Observation, StepRecord, Task, Verdict

log = logging.getLogger(__name__)

VARIANTS = ("correct", "wrong_values", "skip_step", "stop_early")
_TYPE = re.compile(r'^Type "(?P<value>.*)" into "(?P<label>.+)"$')
_PASSWORD = re.compile(r'^Type the password into "(?P<label>.+)"$')
_SELECT = re.compile(r'^Choose "(?P<value>.*)" in "(?P<label>.+)"$')
_CHECK = re.compile(r'^(?P<verb>Tick|Untick) "(?P<label>.+)"$')
_CLICK = re.compile(r'^Click the "(?P<name>.+)" (?P<role>[a-z]+)( in the .+)?$')
_ROW = re.compile(r'^Open the row "(?P<row>.+)"$')
_UPLOAD = re.compile(r'^Attach "(?P<path>.+)" in "(?P<label>.+)"$')
FIELD_ROLES = {"textbox", "searchbox", "combobox", "spinbutton"}


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _labelled(obs: Observation, label: str, roles: set[str] | None = None) -> Element | None:
    """An interactive element whose accessible name is `label` (a select's name also lists its options)."""
    pool = [e for e in obs.elements if roles is None or e.role in roles]
    exact = [e for e in pool if _same(e.name, label)]
    if exact:
        return exact[0]
    prefix = [e for e in pool if e.options and e.name.casefold().startswith(label.casefold() + " ")]
    return prefix[0] if prefix else None


def _row_link(obs: Observation, row_text: str) -> Element | None:
    """The link in the table row that mentions `row_text` (same line on screen)."""
    anchors = [e for e in obs.elements if row_text.casefold() in e.name.casefold()]
    links = [e for e in obs.elements if e.role == "link"]
    for anchor in anchors:
        if anchor.role == "link":
            return anchor
        centre = anchor.bbox[1] + anchor.bbox[3] / 2
        same_row = [e for e in links if e.bbox[1] <= centre <= e.bbox[1] + e.bbox[3]]
        if same_row:
            return min(same_row, key=lambda e: e.bbox[0])
    return None


def ground_step(text: str, obs: Observation, task: Task) -> Action | None:
    """The Action that performs one reference step on this page, or None if its target is not there."""
    if m := _PASSWORD.match(text):
        el = _labelled(obs, m["label"], FIELD_ROLES)
        # a placeholder: the runner swaps in task.secrets["password"] only while acting, so no record holds it
        return Action(kind="type", element=el.id, text="{{password}}") if el else None
    if m := _TYPE.match(text):
        el = _labelled(obs, m["label"], FIELD_ROLES)
        return Action(kind="type", element=el.id, text=m["value"]) if el else None
    if m := _SELECT.match(text):
        el = _labelled(obs, m["label"], {"combobox", "listbox"})
        return Action(kind="select", element=el.id, text=m["value"]) if el else None
    if m := _CHECK.match(text):
        el = _labelled(obs, m["label"], {"checkbox", "radio", "switch"})
        return Action(kind="check", element=el.id, checked=m["verb"] == "Tick") if el else None
    if m := _CLICK.match(text):
        el = _labelled(obs, m["name"], {m["role"]}) or _labelled(obs, m["name"])
        return Action(kind="click", element=el.id) if el else None
    if m := _ROW.match(text):
        el = _row_link(obs, m["row"])
        return Action(kind="click", element=el.id) if el else None
    if m := _UPLOAD.match(text):
        el = _labelled(obs, m["label"])
        return Action(kind="upload", element=el.id, files=[m["path"]]) if el else None
    return None


class ScriptedAgent:
    """Follows a fixed list of reference steps, then says done (whether or not the work is complete)."""

    def __init__(self, steps: Sequence[str], name: str = "scripted") -> None:
        self.steps = list(steps)
        self.name = name
        self.position = 0
        self.ungrounded: list[str] = []

    def begin(self, task: Task) -> None:
        self.position = 0
        self.ungrounded = []

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        while self.position < len(self.steps):
            text = self.steps[self.position]
            self.position += 1
            action = ground_step(text, obs, task)
            if action is not None:
                return Decision(action=action, rationale=text, expected_outcome=text)
            log.warning("scripted step not found on the page: %s", text)
            self.ungrounded.append(text)
        return Decision(action=Action(kind="done"), rationale="all steps done")


def variant_steps(variant: str, spec: Any, params: dict[str, str], initial: Any, rng: random.Random) -> list[str]:
    """The reference steps of one variant: correct, with wrong values, with one step skipped, or stopped early."""
    steps = [s.text for s in spec.solution(params)]
    if variant == "wrong_values":
        return [s.text for s in spec.solution(spec.wrong_params(params, initial))]
    if variant == "skip_step" and len(steps) > 1:
        drop = rng.randrange(len(steps))
        return steps[:drop] + steps[drop + 1 :]
    if variant == "stop_early" and len(steps) > 1:
        return steps[: rng.randrange(1, len(steps))]
    return steps


@dataclass
class GeneratedRun:
    run_id: str
    workflow: str
    seed: int
    variant: str
    success: bool
    reason: str


def generate_demo_runs(
    settings: Settings,
    store: Any,
    *,
    workflows: Sequence[str],
    seeds: Sequence[int],
    variants: Sequence[str] = VARIANTS,
    on_run: Callable[[GeneratedRun], None] | None = None,
) -> list[GeneratedRun]:
    """Run each workflow × seed × variant with the scripted agent through the runner; store the checker label."""
    from eclair.browser import new_context, open_browser
    from eclair.plugins import environments

    apps = environments()
    out: list[GeneratedRun] = []
    with apps.serve() as server, open_browser(settings) as browser:
        for workflow in workflows:
            for seed in seeds:
                for variant in variants:
                    env: Any = apps.make_env(workflow, server.base_url)
                    context = new_context(browser)
                    try:  # the scripted variants read the demo workflow's own spec (its solution steps)
                        run = _one_run(env, env.spec, context.new_page(), seed, variant, store, settings)
                    except Exception as exc:  # one broken workflow script must not end the whole set
                        log.warning("%s seed %s %s: generation failed: %s", workflow, seed, variant, exc)
                        continue
                    finally:
                        context.close()
                        env.teardown()
                    out.append(run)
                    if on_run is not None:
                        on_run(run)
    return out


def _one_run(env: Any, spec: Any, page: Any, seed: int, variant: str, store: Any, settings: Settings) -> GeneratedRun:
    task = env.setup(page, seed)
    full_params = dict(env.params)
    rng = random.Random(f"{spec.id}-{seed}-{variant}")
    task.sop = [s.text for s in spec.solution(full_params)]
    if "password" in task.params:  # kept out of the stored task, handed over as a secret
        task.secrets["password"] = task.params.pop("password")
    agent = ScriptedAgent(variant_steps(variant, spec, full_params, env.initial, rng), name=f"scripted:{variant}")
    # no step critics while generating (their verdicts would steer retries); the verifier re-reads the result
    # after `done` and stores what it saw, so the bench can judge it afterwards
    panel = CriticPanel([], [], verifier=Verifier())
    parts = RunParts(store=store, agent=agent, critics=panel)
    outcome = run_task(build_run(task, parts, settings, tracing=False), page, store=store)
    reward, _ = env.validate(outcome.page)
    verdict = Verdict(label="pass" if reward > 0 else "fail", score=reward, reason=env.last_reason, critic="checker")
    store.add_verdict(outcome.run_id, verdict)
    return GeneratedRun(outcome.run_id, spec.id, seed, variant, reward > 0, env.last_reason)
