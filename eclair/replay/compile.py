"""Compile a verified run or a demonstration into a workflow program.

Both sources reduce to `TracedStep`s: the action, its target as the page showed it, and the page text and URL
before and after. From those come robust targets, parameter bindings and each step's checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from eclair.demonstrations.schema import DemoAction
from eclair.errors import EclairError
from eclair.replay.pagetext import PageLine, line_texts, parse_lines, pattern_of
from eclair.replay.program import PLACEHOLDER, Check, Program, ProgramStep, StepKind, Target, bind
from eclair.types import Element, StepRecord, Task

FIELD_ROLES = {"textbox", "combobox", "searchbox", "spinbutton", "listbox", "checkbox", "radio", "switch"}
STEP_KINDS: set[str] = {"click", "type", "select", "check", "press", "goto", "upload", "scroll"}
NOTICE_ROLES = ("status", "alert", "heading", "tab", "tabpanel", "dialog")
DATA_ROLES = ("row", "cell")
MAX_TEXT_CHECKS = 3


class NotCompilable(EclairError):
    """A run or demonstration that cannot become a workflow program."""


@dataclass
class TracedStep:
    kind: StepKind
    target: Target | None
    value: str | None = None
    key: str | None = None
    url: str | None = None
    checked: bool = True
    files: list[str] = field(default_factory=list)
    before_url: str = ""
    before_text: str = ""
    after_url: str | None = None  # None: nothing was recorded after the step
    after_text: str = ""


def target_from_lines(lines: list[PageLine], element_id: str, fallback: Target | None = None) -> Target | None:
    """The target as the page text showed it: role, name, placeholder, options, the line before it, nth."""
    index = next((i for i, line in enumerate(lines) if line.id == element_id), None)
    if index is None:
        return fallback
    line = lines[index]
    same = [other for other in lines[:index] if other.role == line.role and other.name == line.name]
    nearby = next((lines[j].text for j in range(index - 1, -1, -1) if lines[j].role != line.role), "")
    base = fallback or Target()
    return base.model_copy(
        update={
            "role": line.role,
            "name": line.name,
            "placeholder": line.placeholder,
            "options": line.options,
            "nearby": nearby,
            "nth": len(same),
            "id_hint": element_id,
        }
    )


def from_run_steps(steps: list[StepRecord]) -> list[TracedStep]:
    """The run's kept steps (the last attempt of each index, when it passed), each with the page after it."""
    kept: dict[int, StepRecord] = {}
    for step in steps:
        kept[step.index] = step
    ordered = [kept[i] for i in sorted(kept)]
    traced = []
    for position, step in enumerate(ordered):
        action = step.decision.action
        if action.kind not in STEP_KINDS or step.result is None or not step.result.ok:
            continue
        before = step.observation
        element: Element | None = before.element(action.element) if action.element else None
        target = None
        if action.element:
            hint = Target(
                role=element.role if element else "",
                name=element.name if element else "",
                tag=element.tag if element else "",
                frame=element.frame if element else "",
                options=list(element.options) if element else [],
                placeholder=element.placeholder if element else "",
                id_hint=action.element,
            )
            target = target_from_lines(parse_lines(before.text), action.element, hint)
        after = ordered[position + 1].observation if position + 1 < len(ordered) else None
        traced.append(
            TracedStep(
                kind=action.kind,  # type: ignore[arg-type]
                target=target,
                value=action.text,
                key=action.key,
                url=action.url,
                checked=action.checked,
                files=list(action.files),
                before_url=before.url,
                before_text=before.text,
                after_url=after.url if after else None,
                after_text=after.text if after else "",
            )
        )
    return traced


def from_demo_actions(actions: list[DemoAction]) -> list[TracedStep]:
    traced = []
    for action in actions:
        kind = "click" if action.kind == "submit" else action.kind
        if kind not in STEP_KINDS:
            continue
        before, after = action.before, action.after
        target = None
        if action.target is not None:
            info = action.target
            hint = Target(role=info.role, name=info.name, tag=info.tag, frame=info.frame, id_hint=info.eclair_id)
            lines = parse_lines(before.observation) if before else []
            target = target_from_lines(lines, info.eclair_id, hint) if info.eclair_id else hint
        traced.append(
            TracedStep(
                kind=kind,  # type: ignore[arg-type]
                target=target,
                value=action.text,
                key=action.key,
                url=action.url,
                checked=action.checked is not False,
                files=[action.text] if kind == "upload" and action.text else [],
                before_url=before.url if before else "",
                before_text=before.observation if before else "",
                after_url=after.url if after else None,
                after_text=after.observation if after else "",
            )
        )
    return traced


def build_program(
    name: str,
    traced: list[TracedStep],
    *,
    description: str,
    params: dict[str, str],
    secret_params: list[str],
    start_url: str | None,
    source: str,
) -> Program:
    """Bind the task's values to placeholders and derive each step's checks from the page after it."""
    if not traced:
        raise NotCompilable(f"{source} has no browser actions to compile; record or run the workflow first")
    public = {k: v for k, v in params.items() if k not in secret_params and v}
    steps = [_program_step(step, public) for step in traced]
    return Program(
        name=name,
        description=bind(description, public) or "",
        params=public,
        secret_params=list(secret_params),
        start_url=bind(start_url, _url_params(public)),
        steps=steps,
        source=source,
    )


def _url_params(params: dict[str, str]) -> dict[str, str]:
    """Values that may sit in a URL path (ids, numbers): all but free text with spaces."""
    return {k: v for k, v in params.items() if " " not in v}


def _program_step(step: TracedStep, params: dict[str, str]) -> ProgramStep:
    target = step.target
    if target is not None:
        target = target.model_copy(
            update={
                "name": bind(target.name, params) or "",
                "nearby": bind(target.nearby, params) or "",
            }
        )
        target.context, target.context_offset = _context(step.before_text, target, params)
    value = bind(step.value, params, whole_only=step.kind == "select")
    program_step = ProgramStep(
        kind=step.kind,
        intent="",
        target=target,
        value=value,
        key=step.key,
        url=bind(step.url, _url_params(params)),
        checked=step.checked,
        files=step.files,
    )
    program_step.checks = _checks(step, program_step, params)
    program_step.intent = describe_step(program_step)
    return program_step


def describe_step(step: ProgramStep) -> str:
    """The step as a person (or the live policy, when healing) reads it."""
    where = step.target.describe() if step.target else "the page"
    if step.kind == "type":
        return f'Type "{step.value}" into {where}'
    if step.kind == "select":
        return f'Choose "{step.value}" in {where}'
    if step.kind == "check":
        return f"{'Tick' if step.checked else 'Untick'} {where}"
    if step.kind == "press":
        return f"Press {step.key} in {where}"
    if step.kind == "goto":
        return f"Go to {step.url}"
    if step.kind == "upload":
        return f"Attach {', '.join(step.files)} in {where}"
    if step.kind == "scroll":
        return f"Scroll {where}"
    return f"Click {where}"


def _checks(step: TracedStep, program_step: ProgramStep, params: dict[str, str]) -> list[Check]:
    checks: list[Check] = []
    if step.kind in ("type", "select") and program_step.value is not None:
        checks.append(Check(kind="value", expected=program_step.value))
    if step.kind == "check":
        checks.append(Check(kind="checked", expected="true" if step.checked else "false"))
    if step.after_url is None:
        return checks
    before_path, after_path = urlparse(step.before_url).path, urlparse(step.after_url).path
    if after_path != before_path:
        checks.append(Check(kind="url", expected=_path_pattern(after_path, params)))
        return checks
    if step.kind in ("click", "press", "upload"):
        texts = _new_texts(step.before_text, step.after_text, params)
        if texts:
            checks.append(Check(kind="text", any_of=texts))
    return checks


def _context(before_text: str, target: Target, params: dict[str, str]) -> tuple[str, int]:
    """For a target named by data (a "#1023" link), the adjacent line that names a parameter, as a pattern."""
    data_like = not target.name or (any(c.isdigit() for c in target.name) and "{{" not in target.name)
    if not target.id_hint or not data_like:
        return "", 0
    lines = parse_lines(before_text)
    index = next((i for i, line in enumerate(lines) if line.id == target.id_hint), None)
    if index is None:
        return "", 0
    for offset in (1, -1):
        if 0 <= index + offset < len(lines):
            named = PLACEHOLDER.findall(bind(lines[index + offset].text, params) or "")
            if named:  # only the values: the rest of the row (status, priority) differs from record to record
                return ".*".join("{{" + name + "}}" for name in named), offset
    return "", 0


def _path_pattern(path: str, params: dict[str, str]) -> str:
    segments = []
    for segment in path.split("/"):
        bound = bind(segment, _url_params(params), whole_only=True) or ""
        segments.append(bound if bound != segment else pattern_of(segment))
    return "/".join(segments) + "$"


def _new_texts(before: str, after: str, params: dict[str, str]) -> list[str]:
    """Lines that appeared with the step, the telling ones first: those naming a value, then notices and headings."""
    seen = set(line_texts(before))
    fresh = [
        line
        for line in parse_lines(after)
        if line.text not in seen and line.value is None and line.role not in FIELD_ROLES  # fields: value checks
    ]

    def rank(line: PageLine) -> int:
        bound = bind(line.text, params) or ""
        return 0 if "{{" in bound and line.role not in DATA_ROLES else 1 if line.role in NOTICE_ROLES else 2

    telling = sorted((line for line in fresh if rank(line) < 2), key=rank)  # rows of other records vary by seed
    return [pattern_of(bind(line.text, params) or "") for line in telling[:MAX_TEXT_CHECKS]]


def compile_run(store: Any, run_id: str, *, name: str | None = None, require_verified: bool = True) -> Program:
    """A program from a stored run that a person approved or the critics passed."""
    info = store.get_run(run_id)
    if require_verified and info.review != "approved" and info.label != "pass":
        raise NotCompilable(
            f"run {run_id} is neither approved nor passed by the critics; `eclair review approve {run_id}` first"
        )
    task: Task = store.get_task(run_id)
    program_name = name or task.workflow or info.workflow or f"run-{run_id}"
    return build_program(
        program_name,
        from_run_steps(store.get_steps(run_id)),
        description=task.text,
        params=dict(task.params),
        secret_params=sorted(_typed_placeholders(store.get_steps(run_id))),
        start_url=task.start_url,
        source=f"run:{run_id}",
    )


def _typed_placeholders(steps: list[StepRecord]) -> set[str]:
    """Secrets the run typed: its records keep `{{name}}`, never the value."""
    return {name for step in steps for name in PLACEHOLDER.findall(step.decision.action.text or "")}


def compile_demonstration(store: Any, workflow: str, demo_id: str | None = None, *, name: str | None = None) -> Program:
    """A program from a workflow's demonstration (the latest one unless `demo_id` names another)."""
    from eclair.demonstrations.saving import load_manifest

    demos = store.list_demonstrations(workflow)
    if demo_id is None:
        chosen = max(demos, key=lambda d: d.created_at) if demos else None
    else:
        chosen = next((d for d in demos if d.id == demo_id), None)
    if chosen is None:
        raise NotCompilable(f"workflow {workflow!r} has no demonstration {demo_id or ''}; `eclair record` one first")
    manifest = load_manifest(store, chosen.files)
    actions = [DemoAction.model_validate(a) for a in chosen.action_log]
    params = dict(manifest.params) if manifest else {}
    secrets = sorted({a.text.strip("{}") for a in actions if a.secret and a.text})
    info = store.get_workflow(workflow)
    description = (info.description if info else "") or workflow
    return build_program(
        name or workflow,
        from_demo_actions(actions),
        description=description,
        params={k: v for k, v in params.items() if k not in secrets},
        secret_params=secrets,
        start_url=(manifest.start_url if manifest else None) or (info.start_url if info else None),
        source=f"demonstration:{chosen.id}",
    )
