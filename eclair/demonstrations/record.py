"""Record a demonstration in a real browser: a person (`--headed`) or a Playwright script (`--script`) drives it.

Script contract: the file defines `demonstrate(page, params)`; `page` is a Playwright sync `Page` already at
the start URL (behind a recording wrapper; `page.unwrapped` is the Page itself, e.g. for `expect`), `params`
the `--param name=value` pairs. It returns when the workflow is done; an exception fails the recording.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import shutil
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.demonstrations.driver import RecordingWrapper
from eclair.demonstrations.errors import BadScript, DemonstrationError
from eclair.demonstrations.merge import RawEvent, merge_events
from eclair.demonstrations.saving import SavedDemonstration, commit_demonstration, discard_staging, new_staging_dir
from eclair.demonstrations.schema import DemoAction, DemonstrationManifest, PageState, TargetInfo

log = logging.getLogger(__name__)
RECORDER_JS = (Path(__file__).with_name("recorder.js")).read_text()
BINDING = "__eclairRecord"
QUIET_S = 0.3  # headed: capture the state once the page has been quiet this long after an event
SECRET_PARAM_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "pin")

DemonstrateFn = Callable[[Any, dict[str, str]], None]


def is_secret_param(name: str) -> bool:
    return any(word in name.lower() for word in SECRET_PARAM_WORDS)


def scrub(text: str, secrets: dict[str, str]) -> str:
    """Replace every secret value with its {{name}} placeholder."""
    for name, value in secrets.items():
        if value:
            text = text.replace(value, "{{" + name + "}}")
    return text


@dataclass
class _Snapshot:
    state: PageState
    png: bytes | None


@dataclass
class EventRecorder:
    """Receives the injected listeners' events and captures the page state after each one."""

    started: float  # epoch seconds
    secrets: dict[str, str] = field(default_factory=dict)
    capture_screenshots: bool = True
    events: list[RawEvent] = field(default_factory=list)
    snapshots: dict[int, _Snapshot] = field(default_factory=dict)

    def on_event(self, source: dict[str, Any], payload: dict[str, Any]) -> None:
        """Binding callback: only remember the event (Playwright calls from here would race the script)."""
        try:
            self.events.append(self._to_event(payload))
        except Exception:  # a malformed payload from a page must never break the recording
            log.debug("ignored recorder payload %r", payload, exc_info=True)

    def _to_event(self, payload: dict[str, Any]) -> RawEvent:
        target = payload.get("target")
        info = TargetInfo.model_validate(target) if isinstance(target, dict) else None
        if info is not None and info.value is not None:
            info.value = scrub(info.value, self.secrets)
        value = payload.get("value")
        return RawEvent(
            seq=len(self.events),
            type=payload["type"],
            t=max(0.0, float(payload.get("ts", time.time() * 1000)) / 1000.0 - self.started),
            target=info,
            value=scrub(value, self.secrets) if isinstance(value, str) else None,
            checked=payload.get("checked"),
            key=payload.get("key"),
            url=payload.get("url"),
            referrer=payload.get("referrer"),
            title=payload.get("title"),
            top=bool(payload.get("top", True)),
            dx=float(payload.get("dx") or 0.0),
            dy=float(payload.get("dy") or 0.0),
            secret=bool(payload.get("secret", False)),
        )

    def snapshot(self, page: Any) -> None:
        """Capture URL, title, observation text (secrets masked) and a screenshot after the events so far."""
        from eclair.browser import observe

        key = len(self.events)
        t = time.time() - self.started
        try:
            obs = observe(page, screenshot=self.capture_screenshots)
            state = PageState(
                url=scrub(obs.url, self.secrets),
                title=scrub(obs.title, self.secrets),
                observation=scrub(obs.text, self.secrets),
                t=t,
            )
            self.snapshots[key] = _Snapshot(state, obs.screenshot)
        except Exception as exc:  # mid-navigation: keep what can be read
            log.debug("snapshot after %s events failed: %s", key, exc)
            try:
                self.snapshots[key] = _Snapshot(PageState(url=scrub(page.url, self.secrets), t=t), None)
            except Exception:
                pass

    def state_key(self, seq: int) -> int | None:
        """The latest snapshot taken before event `seq` happened."""
        keys = [k for k in self.snapshots if k <= seq]
        return max(keys) if keys else None


def load_script(path: Path) -> DemonstrateFn:
    """Import the --script file and return its `demonstrate(page, params)`."""
    if not path.is_file():
        raise BadScript(f"{path}: no such file; pass a Python file that defines demonstrate(page, params)")
    spec = importlib.util.spec_from_file_location(f"eclair_demo_script_{uuid.uuid4().hex[:8]}", path)
    if spec is None or spec.loader is None:
        raise BadScript(f"{path}: not a Python file; pass a .py file that defines demonstrate(page, params)")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise BadScript(f"{path}: could not be imported ({type(exc).__name__}: {exc}); fix the script") from None
    fn = getattr(module, "demonstrate", None)
    if not callable(fn):
        raise BadScript(f"{path}: defines no demonstrate(page, params) function; add one")
    return fn  # type: ignore[no-any-return]


def _run_script(fn: DemonstrateFn, page: Any, params: dict[str, str], path: Path) -> None:
    try:
        fn(page, dict(params))
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path.resolve()]
        where = f" at line {frames[-1].lineno}" if frames else ""
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        detail = f"{type(exc).__name__}: {message}"
        raise BadScript(f"{path}: demonstrate() failed{where} ({detail}); fix the script") from None


def _wait_for_person(page: Any, recorder: EventRecorder) -> None:
    """Headed: poll until the person closes the window, capturing the state whenever the page goes quiet."""
    from eclair.browser import current_page

    print("Demonstrate the workflow in the browser window; close the window when you are done.", flush=True)
    seen = len(recorder.events)
    last_change = time.time()
    while not page.is_closed():
        try:
            page.wait_for_timeout(100)
        except Exception:
            break  # closed while waiting
        if len(recorder.events) != seen:
            seen, last_change = len(recorder.events), time.time()
        elif seen not in recorder.snapshots and time.time() - last_change >= QUIET_S:
            recorder.snapshot(current_page(page.context))  # the tab the person is on (popups included)


def record_demonstration(
    settings: Settings,
    *,
    url: str | None,
    workflow: str,
    script: Path | None = None,
    headed: bool = False,
    params: dict[str, str] | None = None,
    description: str = "",
    store: Any = None,
    browser: Any = None,
    prepare: Callable[[Any], None] | None = None,
    demonstrate: DemonstrateFn | None = None,
) -> SavedDemonstration:
    """Open the browser at `url`, let the script or the person demonstrate, and save the Demonstration.

    `browser` reuses an already launched Chromium (one sync Playwright per thread); else one is launched.
    `prepare(page)` runs first on the recording page (sign in, seed an app, navigate); with `url=None` the
    demonstration starts wherever `prepare` left the page. `demonstrate(page, params)` stands in for a script file
    (a benchmark recording a scripted solution it already holds).
    """
    from eclair.store import Store

    if script is None and demonstrate is None and not headed:
        raise DemonstrationError("eclair record needs --script demo.py (headless) or --headed (a person demonstrates)")
    if (
        headed
        and sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        raise DemonstrationError(
            "--headed needs a display (DISPLAY is not set); use --script demo.py to record headless"
        )
    fn = load_script(script) if script is not None else demonstrate
    params = dict(params or {})
    secrets = {name: value for name, value in params.items() if is_secret_param(name)}
    store = store or Store(settings)
    staging = new_staging_dir(store.traces_root)
    try:
        manifest = _record_into(settings, browser, staging, url, workflow, fn, script, headed, params, secrets, prepare)
        return commit_demonstration(store, staging, manifest, description=description)
    except BaseException:
        discard_staging(staging)
        raise


def _record_into(
    settings: Settings,
    browser: Any,
    staging: Path,
    url: str | None,
    workflow: str,
    fn: DemonstrateFn | None,
    script: Path | None,
    headed: bool,
    params: dict[str, str],
    secrets: dict[str, str],
    prepare: Callable[[Any], None] | None,
) -> DemonstrationManifest:
    from eclair.browser import current_page, new_context, open_browser

    video_dir = staging / "video-raw"
    recorder = EventRecorder(started=time.time(), secrets=secrets)
    with contextlib.ExitStack() as stack:
        if browser is None:
            browser = stack.enter_context(open_browser(settings.with_overrides(headless=not headed)))
        context = new_context(browser, video_dir=video_dir)
        try:
            context.expose_binding(BINDING, recorder.on_event)
            context.add_init_script(RECORDER_JS)
            page = context.new_page()
            recorder.started = time.time()
            if prepare is not None:
                prepare(page)
            if url is not None:
                page.goto(url, wait_until="domcontentloaded")
            url = page.url
            page.wait_for_timeout(100)  # the start page's load event reports in
            recorder.snapshot(page)
            if fn is not None:
                wrapped = RecordingWrapper(page, lambda: recorder.snapshot(current_page(context)))
                _run_script(fn, wrapped, params, script or Path("demonstrate()"))
                page.wait_for_timeout(400)  # let the last scroll burst and navigation report in
                recorder.snapshot(current_page(context))
            else:
                _wait_for_person(page, recorder)
        finally:
            try:
                context.close()  # flushes the video
            except Exception as exc:  # the person closed the whole browser: the video is already written
                log.debug("context close: %s", exc)
    return _build_manifest(recorder, staging, video_dir, workflow, url, params)


def _build_manifest(
    recorder: EventRecorder, staging: Path, video_dir: Path, workflow: str, url: str, params: dict[str, str]
) -> DemonstrationManifest:
    merged = merge_events(recorder.events)
    (staging / "states").mkdir(exist_ok=True)
    written: dict[int, str] = {}

    def state_for(seq: int) -> PageState | None:
        key = recorder.state_key(seq)
        if key is None:
            return None
        snap = recorder.snapshots[key]
        state = snap.state.model_copy()
        if snap.png is not None:
            if key not in written:
                name = f"states/state-{len(written):03d}.png"
                (staging / name).write_bytes(snap.png)
                written[key] = name
            state.screenshot = written[key]
        return state

    actions: list[DemoAction] = []
    end = len(recorder.events)
    for i, item in enumerate(merged):
        action = item.action
        action.before = state_for(item.first_seq)
        action.after = state_for(merged[i + 1].first_seq if i + 1 < len(merged) else end)
        if action.text and not action.secret:
            scrubbed = scrub(action.text, recorder.secrets)
            action.secret = scrubbed != action.text
            action.text = scrubbed
        actions.append(action)
    video = _move_video(video_dir, staging)
    safe_params = {k: ("{{" + k + "}}" if k in recorder.secrets else v) for k, v in params.items()}
    return DemonstrationManifest(
        workflow=workflow,
        source="recording",
        start_url=url,
        params=safe_params,
        actions=actions,
        initial=state_for(min(recorder.snapshots, default=0)),
        video=video,
    )


def _move_video(video_dir: Path, staging: Path) -> str | None:
    videos = sorted(video_dir.glob("*.webm")) if video_dir.is_dir() else []
    if not videos:
        return None
    target = staging / "video.webm"
    shutil.move(str(videos[-1]), target)
    shutil.rmtree(video_dir, ignore_errors=True)
    return target.name
