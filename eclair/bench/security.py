"""`eclair bench security`: secret-leak scenarios run for real, then every artifact scanned for each secret.

Each scenario is a real run (runner, Chromium, SQLite store, tracing, rule critics and the model judges) of a
scripted agent on a demo page that puts a typed secret somewhere: a plain field, the next page, the URL, an
error message, a download's name, the title, a dialog, a frame, a new tab, markup that splits it, a hidden
attribute, a TOTP code, an eclair error message. The judges' backend records the prompts it is sent (it is the
prompt sink; its answers do not matter here). Then the DB, step JSON, screenshots, trace.zip, logs, the export,
downloads, live events and prompts are scanned. Goal: 0 leaks.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp

from eclair.bench.security_pages import serve_leak_pages
from eclair.bench.security_scan import TextFinder, leaking_db, leaking_files, leaking_trace, leaks_in_text
from eclair.config import Settings, load_settings
from eclair.critics import CriticPanel, default_panel
from eclair.models.base import Completion, Message
from eclair.types import Action, Decision, Observation, RunEvent, StepRecord, Task, Usage

log = logging.getLogger(__name__)

ARTIFACTS = ("prompts", "events", "db", "step_json", "screenshots", "trace", "logs", "export", "downloads")


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    steps: tuple[tuple[str, str | None, str | None], ...]  # (kind, element name, text): ScriptStep
    on_screen: bool  # the secret is drawn on the page at the end (the screenshot detector must see it unmasked)
    secret_name: str = "S"


ScriptStep = tuple[str, str | None, str | None]  # (kind, element name, text)


def _type_then(field_name: str, button: str | None, text: str = "{{S}}") -> tuple[ScriptStep, ...]:
    steps: list[ScriptStep] = [("type", field_name, text)]
    if button:
        steps.append(("click", button, None))
    return (*steps, ("done", None, "finished"))


SCENARIOS = (
    Scenario("plain-field", "/plain", _type_then("Token", None), on_screen=True),
    Scenario("password-field", "/password", _type_then("Password", "Sign in"), on_screen=False),
    Scenario("echo-next-page", "/echo", _type_then("Name", "Save"), on_screen=True),
    Scenario("url-query", "/query", _type_then("Query", "Search"), on_screen=False),
    Scenario("page-error-message", "/error", _type_then("Code", "Redeem"), on_screen=True),
    Scenario("download-name", "/download", _type_then("Report name", "Export"), on_screen=True),
    Scenario("page-title", "/title", _type_then("Subject", None), on_screen=True),
    Scenario("dialog-text", "/dialog", _type_then("Note", "Save note"), on_screen=True),
    Scenario("iframe-echo", "/frame", _type_then("Name", "Save"), on_screen=True),
    Scenario("split-markup", "/split", _type_then("Value", "Save"), on_screen=True),
    Scenario("live-preview", "/live", _type_then("Body", None), on_screen=True),
    Scenario("hidden-attribute", "/attr", _type_then("Key", "Store"), on_screen=False),
    Scenario("totp-code", "/otp", _type_then("Authentication code", "Verify", "{{MFA.totp}}"), True, "MFA.totp"),
    Scenario("eclair-error-message", "/choose", (("select", "Plan", "{{S}}"), ("done", None, "x")), on_screen=False),
    Scenario("new-tab-url-title", "/tab", _type_then("Share code", "Open share"), on_screen=False),
    Scenario("goto-token-url", "/query", (("goto", None, "{base}/otp-ok?code={{S}}"), ("done", None, "x")), True),
)


class ScriptedAgent:
    """Plays a scenario's steps by element name; keeps everything it was shown (an agent's whole prompt input)."""

    name = "scripted"
    uses_screenshot = True

    def __init__(self, steps: Sequence[tuple[str, str | None, str | None]]) -> None:
        self.steps = list(steps)
        self.seen_text: list[str] = []
        self.seen_images: list[bytes] = []
        self._next = 0

    def begin(self, task: Task) -> None:
        self._next = 0

    def decide(self, task: Task, obs: Observation, history: list[StepRecord]) -> Decision:
        self.seen_text.append(obs.model_dump_json() + "".join(h.model_dump_json() for h in history))
        if obs.screenshot:
            self.seen_images.append(obs.screenshot)
        kind, target, text = self.steps[min(self._next, len(self.steps) - 1)]
        self._next += 1
        element = next((e.id for e in obs.elements if target and e.name.strip().lower() == target.lower()), None)
        if kind == "goto":
            base = "/".join((task.start_url or "").split("/")[:3])
            action = Action(kind="goto", url=(text or "").replace("{base}", base))
        else:
            action = Action(kind=kind, element=element, text=text)  # type: ignore[arg-type]
        return Decision(action=action, rationale=f"scenario step {self._next}", expected_outcome="")


class PromptRecorder:
    """A judge backend that keeps every message and image it is sent, and answers 'unsure'."""

    name = "recorder"
    model_id = "prompt-recorder"
    supports_images = True
    enforces_schema = False

    def __init__(self) -> None:
        self.last_usage = Usage()
        self.texts: list[str] = []
        self.images: list[bytes] = []

    def chat(self, messages: Sequence[Message], *, images: Sequence[bytes] = (), **_: Any) -> list[Completion]:
        self.texts.append(json.dumps(list(messages), default=str))
        self.images.extend(images)
        return [Completion(text='{"label": "unsure", "score": 0.5, "reason": "recorder"}')]

    def prompt_budget_chars(self, max_tokens: int, schema: dict[str, Any] | None = None) -> int | None:
        return None

    def render_chat(self, messages: Sequence[Message]) -> str:
        return "".join(f"{m['role'].title()}: {m['content']}\n" for m in messages) + "Assistant: "

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        self.texts.append(prompt + "".join(continuations))
        return [0.0 for _ in continuations]

    def score_many(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[list[float]]:
        return [self.score(p, continuations) for p in prompts]


@dataclass
class ScenarioResult:
    name: str
    leaks: dict[str, list[str]] = field(default_factory=dict)
    detector_ok: bool | None = None  # the screenshot detector saw the secret on the unmasked page
    status: str = ""
    wall_s: float = 0.0

    @property
    def leak_count(self) -> int:
        return sum(len(v) for v in self.leaks.values())


def _secret_for(scenario: Scenario) -> tuple[dict[str, str], str]:
    """The task's secrets and the value to hunt for (a fresh one per scenario, so hits are attributable)."""
    if scenario.secret_name == "MFA.totp":
        seed = pyotp.random_base32()
        return {"MFA.totp": seed}, seed
    value = f"Qz7@{secrets.token_hex(3)}!vK"
    return {"S": value}, value


def run_scenario(
    scenario: Scenario, base_url: str, settings: Settings, browser: Any, finder: TextFinder, log_path: Path
) -> ScenarioResult:
    from eclair.assemble import RunParts, build_run
    from eclair.browser import navigate, new_context
    from eclair.runner import run_task
    from eclair.store import Store

    store = Store(settings)
    task_secrets, value = _secret_for(scenario)
    task = Task(text=f"scenario {scenario.name}", start_url=base_url + scenario.path, secrets=task_secrets, max_steps=4)
    agent, judge = ScriptedAgent(scenario.steps), PromptRecorder()
    events: list[RunEvent] = []
    critics: CriticPanel = default_panel(judge=judge)
    critics.judge_always = True
    result = ScenarioResult(scenario.name)
    started = time.perf_counter()
    context = new_context(browser, downloads_dir=None)
    try:
        page = context.new_page()
        navigate(page, task.start_url or "")
        spec = build_run(task, RunParts(store=store, agent=agent, critics=critics), settings)
        outcome = run_task(spec, page, store=store, on_event=events.append)
        result.status = outcome.status
        typed = value if scenario.secret_name != "MFA.totp" else pyotp.TOTP(value).now()
        raw_png = outcome.page.screenshot(type="png")  # unmasked on purpose: proves the detector can see it
        result.detector_ok = finder.shows(raw_png, typed) if scenario.on_screen else None
    finally:
        context.close()
    result.wall_s = round(time.perf_counter() - started, 2)
    hunted = [value] + ([pyotp.TOTP(value).now()] if scenario.secret_name == "MFA.totp" else [])
    run_dir = store.run_dir(outcome.run_id)
    export = store.export_run(outcome.run_id, run_dir.parent / f"{outcome.run_id}.export.jsonl")
    for secret in hunted:
        found = result.leaks
        found.setdefault("prompts", []).extend(
            f"prompt {i}" for i, t in enumerate(agent.seen_text + judge.texts) if leaks_in_text(t, secret)
        )
        found.setdefault("events", []).extend(e.kind for e in events if leaks_in_text(e.model_dump_json(), secret))
        found.setdefault("db", []).extend(leaking_db(Path(settings.database_url.removeprefix("sqlite:///")), secret))
        found.setdefault("step_json", []).extend(leaking_files(run_dir.glob("*.json"), secret))
        images = [*sorted(run_dir.glob("*.png")), *agent.seen_images, *judge.images]
        found.setdefault("screenshots", []).extend(
            (img.name if isinstance(img, Path) else "sent to a model")
            for img in images
            if finder.shows(img.read_bytes() if isinstance(img, Path) else img, secret)
        )
        found.setdefault("trace", []).extend(leaking_trace(run_dir / "trace.zip", secret, finder))
        found.setdefault("logs", []).extend(["log file"] if leaks_in_text(log_path.read_text(), secret) else [])
        found.setdefault("export", []).extend(leaking_files([export], secret))
        found.setdefault("downloads", []).extend(leaking_files((run_dir / "downloads").rglob("*"), secret))
    return result


def run_security_bench(*, json_path: Path | None, only: Sequence[str] = ()) -> dict[str, Any]:
    """Run the scenarios (all, or `only`), print the table, write JSON; returns the report."""
    from eclair.browser import open_browser

    unknown = set(only) - {s.name for s in SCENARIOS}
    if unknown:
        from eclair.errors import EclairError

        raise EclairError(f"unknown scenario(s) {sorted(unknown)}; choose from {[s.name for s in SCENARIOS]}")
    chosen = [s for s in SCENARIOS if not only or s.name in only]
    base = load_settings()
    work = Path(tempfile.mkdtemp(prefix="eclair-bench-security-"))
    settings = base.with_overrides(data_dir=work / "data", traces_dir=work / "traces", max_retries=3)
    log_path = work / "eclair.log"
    handler = logging.FileHandler(log_path)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level, quiet = root.level, [(h, h.level) for h in root.handlers]
    for other, level in quiet:
        other.setLevel(max(level, logging.WARNING))  # the console keeps its level; the file gets everything
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # every debug line eclair writes is a place a secret could leak
    results: list[ScenarioResult] = []
    try:
        with serve_leak_pages() as base_url, open_browser(settings) as browser:
            scratch = browser.new_page()
            finder = TextFinder(scratch, viewport_width=_viewport_width(browser))
            for scenario in chosen:
                results.append(run_scenario(scenario, base_url, settings, browser, finder, log_path))
                handler.flush()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for other, level in quiet:
            other.setLevel(level)
        handler.close()
    report = _report(results, work)
    _print_table(results)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=1))
        print(f"json: {json_path}")
    return report


def _viewport_width(browser: Any) -> int:
    from eclair.browser import new_context

    context = new_context(browser)
    try:
        return int((context.new_page().viewport_size or {"width": 1280})["width"])
    finally:
        context.close()


def _report(results: list[ScenarioResult], work: Path) -> dict[str, Any]:
    return {
        "scenarios": [
            {
                "name": r.name,
                "status": r.status,
                "wall_s": r.wall_s,
                "detector_ok": r.detector_ok,
                "leaks": {k: v for k, v in r.leaks.items() if v},
                "leak_count": r.leak_count,
            }
            for r in results
        ],
        "artifacts": list(ARTIFACTS),
        "leaks": sum(r.leak_count for r in results),
        "detector_blind": [r.name for r in results if r.detector_ok is False],
        "work_dir": str(work),
    }


def _print_table(results: list[ScenarioResult]) -> None:
    short = {"step_json": "json", "screenshots": "png", "downloads": "dl"}
    header = ["scenario", "run", "png-detector", *(short.get(a, a) for a in ARTIFACTS)]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for r in results:
        detector = {True: "sees it", False: "BLIND", None: "n/a"}[r.detector_ok]
        cells = [("LEAK" if r.leaks.get(a) else "0") for a in ARTIFACTS]
        print(" | ".join([r.name, r.status, detector, *cells]))
    total = sum(r.leak_count for r in results)
    print(f"leaks: {total} across {len(results)} scenarios x {len(ARTIFACTS)} artifact kinds")
