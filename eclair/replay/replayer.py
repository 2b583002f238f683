"""Replay a workflow program on a live page with no model: resolve, act, check, record; heal a broken step.

A run replayed here is stored like any other (agent "replay"), one StepRecord per action, so review, export and
learning treat it the same. When a target is missing or a check fails, the step goes to the live policy (if one
is given); a healed run saves the program's next version.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eclair.browser import act_and_observe, navigate, observe
from eclair.config import Settings
from eclair.replay.checks import run_checks
from eclair.replay.heal import HealResult, heal_step, with_secrets
from eclair.replay.program import Program, ProgramStep, fill
from eclair.replay.resolve import resolve, resolve_option
from eclair.security.gate import Gate, policy_gate
from eclair.types import Action, ActionResult, Agent, Decision, Observation, StepRecord, StepTimings, Task

PolicyFactory = Callable[[], Agent]
TARGET_WAIT_S = 1.5  # how long a missing target may take to appear (async lists) before the step counts as broken


@dataclass
class StepReport:
    index: int
    intent: str
    how: str  # exact | similar | healed | failed
    ok: bool
    reason: str = ""
    model_calls: int = 0
    ms: float = 0.0


@dataclass
class ReplayResult:
    run_id: str
    status: str  # succeeded | failed
    steps: list[StepReport] = field(default_factory=list)
    model_calls: int = 0
    wall_ms: float = 0.0
    new_version: int | None = None  # the healed program's version, when a step was healed
    error: str | None = None
    page: Any = None

    @property
    def healed(self) -> bool:
        return any(s.how == "healed" for s in self.steps)


def replay_task(program: Program, params: dict[str, str], secrets: dict[str, str] | None = None) -> Task:
    """The Task a replay records: the program's description and start URL with this run's values."""
    return Task(
        text=fill(program.description, params) or program.name,
        start_url=fill(program.start_url, params),
        params=dict(params),
        secrets=dict(secrets or {}),
        workflow=program.name,
        max_steps=len(program.steps),
    )


def program_action(step: ProgramStep, element_id: str | None, params: dict[str, str]) -> Action:
    """The concrete action of a step; secrets stay `{{name}}` (swapped in only when acting)."""
    return Action(
        kind=step.kind,
        element=element_id,
        text=fill(step.value, params),
        key=step.key,
        url=fill(step.url, params),
        checked=step.checked,
        files=[fill(f, params) or f for f in step.files],
    )


def replay(
    program: Program,
    page: Any,
    *,
    store: Any,
    settings: Settings,
    params: dict[str, str],
    secrets: dict[str, str] | None = None,
    task: Task | None = None,
    policy: PolicyFactory | None = None,
    navigate_first: bool = True,
    on_step: Callable[[StepReport], None] | None = None,
    gate: Gate | None = None,
) -> ReplayResult:
    """Run every step of `program` on `page`; heal with `policy()` (built on first need) when a step breaks."""
    task = task or replay_task(program, params, secrets)
    secrets = dict(secrets or task.secrets)
    gate = gate or policy_gate(settings, task)  # a replayed step meets the same allow-list and approvals as the agent
    info = store.create_run(task, agent="replay", backend="none", model=f"program:{program.name}@v{program.version}")
    run_id = info.id
    store.start_run(run_id)
    started = time.perf_counter()
    result = ReplayResult(run_id=run_id, status="failed")
    agent: Agent | None = None
    healed_steps: list[tuple[int, list[ProgramStep]]] = []
    try:
        if navigate_first and task.start_url:
            navigate(page, task.start_url)
        obs = observe(page, screenshot=False)
        record_index = 0
        for index, step in enumerate(program.steps):
            t0 = time.perf_counter()
            ok, reason, after, action, actresult, how = _replay_step(step, page, obs, params, secrets, gate)
            page = _current(page)
            records = [(obs, action, actresult, reason if not ok else None)]
            calls = 0
            if not ok and policy is not None and how != "refused":
                agent = agent or policy()
                heal: HealResult = heal_step(step, agent, page, obs, params, secrets)
                calls = heal.model_calls
                records += heal.records
                page = heal.page or page
                if heal.ok:
                    ok, reason, after, how = True, "", heal.after, "healed"
                    healed_steps.append((index, heal.steps))
                else:
                    reason = f"{reason}; healing failed: {heal.reason}"
            for before, act, res, feedback in records:
                if act is None:
                    continue
                _record(store, run_id, record_index, before, act, res, feedback, step, how)
                record_index += 1
            report = StepReport(index, fill(step.intent, params) or "", how if ok else "failed", ok, reason, calls)
            report.ms = (time.perf_counter() - t0) * 1000
            result.steps.append(report)
            result.model_calls += calls
            if on_step is not None:
                on_step(report)
            if not ok:
                result.error = f"step {index + 1} ({report.intent}): {reason}"
                break
            obs = after
        else:
            result.status = "succeeded"
    except BaseException as exc:
        store.finish_run(run_id, "failed", error=str(exc) or type(exc).__name__)
        raise
    store.finish_run(run_id, result.status, error=result.error)  # type: ignore[arg-type]
    result.wall_ms = (time.perf_counter() - started) * 1000
    result.page = page
    if healed_steps and result.status == "succeeded":
        result.new_version = _save_healed(store, settings, program, healed_steps, run_id)
    return result


def _current(page: Any) -> Any:
    from eclair.browser import current_page

    return current_page(page.context)


def _replay_step(
    step: ProgramStep, page: Any, obs: Observation, params: dict[str, str], secrets: dict[str, str], gate: Gate
) -> tuple[bool, str, Observation, Action | None, ActionResult | None, str]:
    """(ok, why not, page after, action, its result, how the target was found) for the recorded step."""
    element_id = None
    how = "exact"
    if step.target is not None and step.kind != "goto":
        target = step.target.model_copy(update={"name": fill(step.target.name, params) or ""})
        if step.kind == "click" and target.role == "option":
            return _pick_option(step, page, obs, target.name, params)
        found = resolve(obs, target, params)
        deadline = time.perf_counter() + TARGET_WAIT_S
        while found.element is None and time.perf_counter() < deadline:  # a suggestion list still loading
            page.wait_for_timeout(100)
            obs = observe(page, screenshot=False)
            found = resolve(obs, target, params)
        if found.element is None:
            return False, f"target {target.describe()} not found", obs, None, None, "missing"
        element_id, how = found.element.id, found.how
    action = program_action(step, element_id, params)
    allowed = gate.check(action, obs)
    if not allowed.allowed:
        return False, f"refused: {allowed.reason}", obs, action, None, "refused"
    result, page, after = act_and_observe(page, with_secrets(action, secrets))
    if not result.ok:
        return False, result.error or "the action failed", after, action, result, how
    failure = run_checks(step.checks, after, element_id, params)
    return failure is None, failure or "", after, action, result, how


def _pick_option(
    step: ProgramStep, page: Any, obs: Observation, option: str, params: dict[str, str]
) -> tuple[bool, str, Observation, Action | None, ActionResult | None, str]:
    """A click on a suggestion-list option is a `select` on the list that offers it (waiting for the list)."""
    deadline = time.perf_counter() + TARGET_WAIT_S
    listbox = resolve_option(obs, option)
    while listbox is None and time.perf_counter() < deadline:
        page.wait_for_timeout(100)
        obs = observe(page, screenshot=False)
        listbox = resolve_option(obs, option)
    if listbox is None:
        return False, f"no list offers the option {option!r}", obs, None, None, "missing"
    action = Action(kind="select", element=listbox.id, text=option)
    result, page, after = act_and_observe(page, action)
    if not result.ok:
        return False, result.error or "the action failed", after, action, result, "exact"
    failure = run_checks([c for c in step.checks if c.kind != "value"], after, listbox.id, params)
    return failure is None, failure or "", after, action, result, "exact"


def _record(
    store: Any,
    run_id: str,
    index: int,
    before: Observation,
    action: Action,
    result: ActionResult | None,
    feedback: str | None,
    step: ProgramStep,
    how: str,
) -> None:
    checks = "; ".join(c.describe() for c in step.checks)
    decision = Decision(action=action, rationale=f"replay ({how}): {step.intent}", expected_outcome=checks)
    record = StepRecord(
        index=index,
        observation=before,
        decision=decision,
        result=result,
        timings=StepTimings(act_ms=result.duration_ms if result else 0.0),
        feedback=feedback,
    )
    store.record_step(run_id, record, None)


def _save_healed(
    store: Any, settings: Settings, program: Program, healed: list[tuple[int, list[ProgramStep]]], run_id: str
) -> int:
    """The next version: each healed step replaced by what the policy did; held for review unless approve_all."""
    replaced = dict(healed)
    steps: list[ProgramStep] = []
    for index, step in enumerate(program.steps):
        steps.extend(replaced.get(index, [step]))
    new = program.model_copy(
        update={"steps": steps, "source": f"heal:{run_id}", "note": f"healed {len(healed)} step(s) in run {run_id}"}
    )
    status = "active" if settings.approve_all else "pending_review"
    return int(store.save_program(program.name, new.model_dump(mode="json"), status=status, source=f"heal:{run_id}"))
