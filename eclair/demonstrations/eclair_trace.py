"""Import ECLAIR / WONDERBREAD demonstration traces (`{"trace": [{"type": "state"|"action", "data": {...}}]}`).

States carry url, tab, json_state (a JSON string of elements), path_to_screenshot; actions are mouseup,
keystroke (merged key presses, pynput names like `'a'` and `Key.space`), keypress and scroll. Screenshots sit
in `screenshots/` beside the JSON; a `SOP - <name>.txt` beside it becomes the workflow's SOP.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eclair.demonstrations.errors import BadTrace
from eclair.demonstrations.schema import DemoAction, DemonstrationManifest, PageState, TargetInfo, quote

SKIPPED_ACTIONS = {"mousedown", "keyrelease"}
KNOWN_ACTIONS = {"mouseup", "keystroke", "keypress", "scroll", "click"} | SKIPPED_ACTIONS
SPECIAL_KEYS = {"Key.enter": "Enter", "Key.tab": "Tab", "Key.esc": "Escape", "Key.escape": "Escape"}


@dataclass
class ParsedTrace:
    manifest: DemonstrationManifest
    screenshots: dict[str, Path]  # name inside the demonstration folder -> source file
    sop: str | None
    sop_file: Path | None


def _shape_error(path: Path, found: str) -> BadTrace:
    return BadTrace(
        f"{path}: not an ECLAIR/WONDERBREAD trace "
        f'(expected {{"trace": [{{"type": "state"|"action", "data": {{…}}}}]}}, found {found})'
    )


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:4])
        return f"an object with keys {keys}" if keys else "an empty object"
    return f"a JSON {type(value).__name__}"


def decode_keystrokes(keys: str) -> tuple[str, str | None]:
    """`'A' 'c' Key.space Key.backspace` → ("Ac", None); a trailing Enter/Tab is returned as the key pressed."""
    text: list[str] = []
    pressed: str | None = None
    for token in re.findall(r"\"'\"|'[^']*'|Key\.\w+|\S+", keys):
        if len(token) >= 3 and token[0] in "'\"" and token[-1] == token[0]:
            text.append(token[1:-1])
        elif token == "Key.space":
            text.append(" ")
        elif token == "Key.backspace":
            if text:
                text.pop()
        elif token in SPECIAL_KEYS:
            pressed = SPECIAL_KEYS[token]
        elif not token.startswith("Key."):
            text.append(token)
    return "".join(text), pressed


def _target(attributes: Any) -> TargetInfo | None:
    if not isinstance(attributes, dict):
        return None
    element = attributes.get("element") if isinstance(attributes.get("element"), dict) else attributes
    name = element.get("label") or element.get("aria-label") or element.get("text") or element.get("placeholder")
    name = re.sub(r"\s+", " ", str(name or "")).strip()[:80]
    x, y = float(element.get("x") or 0), float(element.get("y") or 0)
    w, h = float(element.get("width") or 0), float(element.get("height") or 0)
    tag = str(element.get("tag") or element.get("tagName") or "").lower()
    return TargetInfo(
        role=str(element.get("role") or ""),
        name=name,
        tag=tag,
        xpath=str(element.get("xpath") or ""),
        input_type=str(element.get("type") or "").lower() if tag == "input" else "",
        bbox=(x, y, w, h),
    )


def _observation(json_state: Any) -> str:
    """Render a state's element list as one line per element, like the agent's observation text."""
    try:
        elements = json.loads(json_state) if isinstance(json_state, str) else json_state
    except json.JSONDecodeError:
        return ""
    lines = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, dict):
            continue
        role = element.get("role") or element.get("tag") or "element"
        name = re.sub(r"\s+", " ", str(element.get("label") or element.get("text") or "")).strip()[:80]
        if element.get("type") == "password":
            name = name or "password"
        lines.append(f"{role} {quote(name)}" if name else str(role))
    return "\n".join(lines)


def parse_trace(path: Path, *, workflow: str | None = None) -> ParsedTrace:
    """Read and validate the trace JSON; raises BadTrace naming the file and the problem."""
    if not path.is_file():
        raise BadTrace(f"{path}: no such file; pass the trace JSON of an ECLAIR/WONDERBREAD demonstration")
    try:
        data = json.loads(path.read_text(errors="replace"))
    except json.JSONDecodeError as exc:
        raise BadTrace(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); pass the trace JSON") from None
    trace = data.get("trace") if isinstance(data, dict) else None
    if not isinstance(trace, list):
        raise _shape_error(path, _describe(data))
    for i, item in enumerate(trace):
        if (
            not isinstance(item, dict)
            or item.get("type") not in {"state", "action"}
            or not isinstance(item.get("data"), dict)
        ):
            raise _shape_error(path, f"entry {i} = {json.dumps(item)[:60]}")
        if item["type"] == "action" and item["data"].get("type") not in KNOWN_ACTIONS:
            raise BadTrace(
                f"{path}: entry {i} has unknown action type {item['data'].get('type')!r}; expected "
                "mouseup, keystroke, keypress or scroll"
            )
    if not any(item["type"] == "action" for item in trace):
        raise BadTrace(f"{path}: the trace has no actions; nothing to import")

    screenshots: dict[str, Path] = {}
    shots_dir = path.parent / "screenshots"
    start = None

    def state_of(data: dict[str, Any]) -> PageState:
        nonlocal start
        secs = float(data.get("secs_from_start") or 0.0)
        shot = data.get("path_to_screenshot")
        name = None
        if isinstance(shot, str) and shot:
            source = shots_dir / Path(shot).name
            if not source.is_file():
                raise BadTrace(f"{path}: screenshot {Path(shot).name} is missing from {shots_dir}; copy it there")
            name = f"screenshots/{Path(shot).name}"
            screenshots[name] = source
        return PageState(
            url=str(data.get("url") or ""),
            title=str(data.get("tab") or ""),
            observation=_observation(data.get("json_state")),
            screenshot=name,
            t=secs,
        )

    actions: list[DemoAction] = []
    last_state: PageState | None = None
    initial: PageState | None = None
    for item in trace:
        data = item["data"]
        if item["type"] == "state":
            last_state = state_of(data)
            if initial is None:
                initial = last_state
            if actions and actions[-1].after is None:
                actions[-1].after = last_state
            continue
        action = _convert_action(data)
        if action is None:
            continue
        action.before = last_state
        action.index = len(actions)
        actions.append(action)
    if not actions:
        raise BadTrace(f"{path}: the trace has only mousedown/keyrelease events; nothing to import")
    sop, sop_file = _find_sop(path)
    manifest = DemonstrationManifest(
        workflow=workflow or _workflow_name(path),
        source="imported",
        start_url=initial.url if initial and initial.url else None,
        actions=actions,
        initial=initial,
        origin=str(path),
    )
    return ParsedTrace(manifest=manifest, screenshots=screenshots, sop=sop, sop_file=sop_file)


def _convert_action(data: dict[str, Any]) -> DemoAction | None:
    kind = data.get("type")
    t = float(data.get("secs_from_start") or 0.0)
    target = _target(data.get("element_attributes"))
    if kind in SKIPPED_ACTIONS:
        return None
    if kind in {"mouseup", "click"}:
        return DemoAction(kind="click", target=target, t=t)
    if kind == "scroll":
        return DemoAction(
            kind="scroll", target=target, dx=float(data.get("dx") or 0), dy=float(data.get("dy") or 0), t=t
        )
    keys = str(data.get("key") or "")
    text, pressed = decode_keystrokes(keys)
    is_password = target is not None and target.input_type == "password"
    if kind == "keypress" and not text:
        return DemoAction(kind="press", key=pressed or keys.removeprefix("Key.").capitalize(), t=t)
    if is_password:
        return DemoAction(kind="type", target=target, text="{{password}}", secret=True, t=t)
    return DemoAction(kind="type", target=target, text=text, t=t)


def _workflow_name(path: Path) -> str:
    stem = re.sub(r"^\[raw\]\s*", "", path.stem)
    return re.sub(r"\s*@\s*[\d-]+$", "", stem).strip() or "imported"


def _find_sop(path: Path) -> tuple[str | None, Path | None]:
    candidates = sorted(path.parent.glob("SOP - *.txt"))
    if not candidates:
        return None, None
    exact = [c for c in candidates if c.stem.removeprefix("SOP - ") == _workflow_name(path) or c.stem[6:] in path.stem]
    chosen = (exact or candidates)[0]
    text = chosen.read_text(errors="replace").strip()
    return (text or None), chosen


def stage_trace_files(parsed: ParsedTrace, staging: Path) -> None:
    """Copy screenshots and the SOP file into the staged demonstration folder."""
    for name, source in parsed.screenshots.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staging / name)
    if parsed.sop_file is not None:
        shutil.copyfile(parsed.sop_file, staging / "sop.txt")
