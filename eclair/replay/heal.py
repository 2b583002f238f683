"""Heal one broken step with the live policy: the agent gets that step alone as its task, a few actions at most.

The step counts as healed only when the agent's last action does what the step did (same kind, same value) and
the step's own checks pass on the page after it. Its actions then become the program's new steps: any
preparatory ones (opening a tab the field moved into) first, each target read from the page the agent saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eclair.browser import act_and_observe, render_text
from eclair.errors import EclairError
from eclair.replay.checks import run_checks
from eclair.replay.compile import STEP_KINDS, describe_step, target_from_lines
from eclair.replay.pagetext import parse_lines
from eclair.replay.program import PLACEHOLDER, ProgramStep, Target, bind, fill
from eclair.replay.resolve import CLICK_ROLES, FIELD_ROLES, TOGGLE_ROLES
from eclair.types import Action, ActionResult, Agent, Observation, StepRecord, Task

MAX_HEAL_ACTIONS = 3
Record = tuple[Observation, Action | None, ActionResult | None, str | None]


@dataclass
class HealResult:
    ok: bool
    reason: str = ""
    model_calls: int = 0
    records: list[Record] = field(default_factory=list)  # (before, action, result, feedback) of each action tried
    steps: list[ProgramStep] = field(default_factory=list)  # the healed step(s) for the program's next version
    after: Observation | None = None
    page: Any = None


def with_secrets(action: Action, secrets: dict[str, str]) -> Action:
    """Swap `{{name}}` for secret values only at the moment of acting; records keep the placeholder."""
    if not secrets or not action.text or "{{" not in action.text:
        return action
    return action.model_copy(update={"text": fill(action.text, secrets)})


def step_task(step: ProgramStep, params: dict[str, str], secrets: dict[str, str]) -> Task:
    """The step as a task of its own, with the values it types among the task's params (the agent types those)."""
    used = {name: params[name] for name in PLACEHOLDER.findall(step.model_dump_json()) if name in params}
    value = fill(step.value, params)
    if value and "{{" not in value and value not in used.values():
        used["value"] = value
    return Task(
        text=fill(step.intent, params) or step.intent,
        params=used,
        secrets=secrets,
        max_steps=MAX_HEAL_ACTIONS,
    )


STEP_ROLES = {
    "type": FIELD_ROLES,
    "select": {"combobox", "listbox"},
    "check": TOGGLE_ROLES,
    "click": CLICK_ROLES,
    "upload": {"button", "textbox", "clickable"},
}


def focus(obs: Observation, step: ProgramStep, tried: set[str] | None = None) -> Observation:
    """The page as the policy sees it while healing: elements of the recorded target's role (else any role this
    kind of step can act on), and tabs (a field may have moved behind one), minus elements already tried.
    Fewer, relevant candidates are what a small scoring model needs."""
    roles = STEP_ROLES.get(step.kind)
    if roles is None:
        return obs
    tried = tried or set()
    usable = [e for e in obs.elements if e.id not in tried]
    same_role = step.target.role if step.target else ""
    kept = [e for e in usable if e.role == same_role and same_role in roles]
    if not kept:
        kept = [e for e in usable if e.role in roles]
    kept += [e for e in usable if e.role == "tab" and e not in kept]
    return obs.model_copy(update={"elements": kept, "text": render_text(kept)}) if kept else obs


def _does_the_step(step: ProgramStep, action: Action, params: dict[str, str]) -> bool:
    if action.kind != step.kind:
        return False
    if step.kind in ("type", "select"):
        return (action.text or "").strip() == (fill(step.value, params) or "").strip()
    if step.kind == "check":
        return action.checked == step.checked
    return True


def heal_step(
    step: ProgramStep,
    agent: Agent,
    page: Any,
    obs: Observation,
    params: dict[str, str],
    secrets: dict[str, str],
    *,
    max_actions: int = MAX_HEAL_ACTIONS,
) -> HealResult:
    """Let `agent` do this one step on the live page; verified by the step's checks."""
    task = step_task(step, params, secrets)
    healed = HealResult(ok=False, page=page)
    agent.begin(task)
    history: list[StepRecord] = []
    tried: list[tuple[Observation, Action]] = []
    refused: set[str] = set()  # elements whose action did not do the step: not offered again
    for attempt in range(max_actions):
        try:
            decision = agent.decide(task, focus(obs, step, refused), history)
        except EclairError as exc:
            healed.reason = f"the policy could not decide ({exc})"
            return healed
        healed.model_calls += 1
        action = decision.action
        if action.kind in ("done", "ask_human"):
            healed.reason = f"the policy answered {action.kind} without doing the step"
            return healed
        result, page, after = act_and_observe(page, with_secrets(action, secrets))
        healed.page = page
        failure = result.error if not result.ok else None
        if failure is None and _does_the_step(step, action, params):
            failure = run_checks(step.checks, after, action.element, params)
            if failure is None:
                healed.records.append((obs, action, result, None))
                tried.append((obs, action))
                healed.ok, healed.after = True, after
                healed.steps = [
                    _as_step(o, a, step, params, final=i == len(tried) - 1) for i, (o, a) in enumerate(tried)
                ]
                return healed
        if action.element and not (result.ok and action.kind == "click" and after.url != obs.url):
            refused.add(action.element)
        feedback = f"that did not do the step ({failure or 'a different action'}); do: {task.text}"
        healed.records.append((obs, action, result, feedback))
        history.append(StepRecord(index=attempt, observation=obs, decision=decision, result=result, feedback=feedback))
        if result.ok and action.kind in STEP_KINDS:
            tried.append((obs, action))
        obs = after
    healed.reason = f"no verified action in {max_actions} tries"
    return healed


def _as_step(
    obs: Observation, action: Action, original: ProgramStep, params: dict[str, str], *, final: bool
) -> ProgramStep:
    """A program step from what the agent did: the target as the page showed it, values bound back to params."""
    target: Target | None = None
    if action.element:
        element = obs.element(action.element)
        hint = Target(
            role=element.role if element else "",
            name=element.name if element else "",
            tag=element.tag if element else "",
            frame=element.frame if element else "",
            placeholder=element.placeholder if element else "",
            options=list(element.options) if element else [],
            id_hint=action.element,
        )
        target = target_from_lines(parse_lines(obs.text), action.element, hint)
        if target is not None:
            target.name = bind(target.name, params) or ""
    if final:
        step = original.model_copy(update={"target": target, "healed": True})
    else:
        step = ProgramStep(
            kind=action.kind,  # type: ignore[arg-type]
            intent="",
            target=target,
            value=bind(action.text, params),
            key=action.key,
            checked=action.checked,
            healed=True,
        )
    step.intent = describe_step(step)
    return step
