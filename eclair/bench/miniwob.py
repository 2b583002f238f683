"""MiniWoB++ tasks as eclair TaskEnvironments, driven through Playwright (not the package's Selenium code).

The task HTML ships in the PyPI package `miniwob`; we serve its `html/` folder over local HTTP in a thread
(the flight tasks need http://) and start each episode the way the package does: seed, start, wait for ready.
"""

from __future__ import annotations

import functools
import http.server
import logging
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from eclair.errors import EclairError
from eclair.types import Task

log = logging.getLogger(__name__)

# Generous so model latency never decides the outcome; steps and wall time are reported separately.
EPISODE_MAX_TIME_MS = 10 * 60 * 1000
READY_TIMEOUT_MS = 15_000

# The 24 tasks we develop on (issue 7).
DEV_SET: list[str] = [
    "click-button",
    "click-button-sequence",
    "click-checkboxes",
    "click-link",
    "click-option",
    "click-dialog",
    "click-tab",
    "click-test",
    "click-widget",
    "enter-text",
    "enter-text-dynamic",
    "enter-password",
    "focus-text",
    "login-user",
    "choose-list",
    "email-inbox",
    "search-engine",
    "social-media",
    "use-autocomplete",
    "book-flight",
    "enter-date",
    "navigate-tree",
    "click-collapsible",
    "multi-layouts",
]

# The 56-task subset used by WebN-T5 (Gur et al. 2022), CC-Net and WebGUM (Furuta et al. 2023) per-task tables.
# Reconstructed from those papers' tables (not shipped in the package); every name is checked against it in tests.
PUBLISHED_56: list[str] = [
    "book-flight",
    "choose-date",
    "choose-date-easy",
    "choose-date-medium",
    "choose-list",
    "click-button",
    "click-button-sequence",
    "click-checkboxes",
    "click-checkboxes-large",
    "click-checkboxes-soft",
    "click-checkboxes-transfer",
    "click-collapsible",
    "click-collapsible-2",
    "click-color",
    "click-dialog",
    "click-dialog-2",
    "click-link",
    "click-menu",
    "click-option",
    "click-pie",
    "click-scroll-list",
    "click-shades",
    "click-shape",
    "click-tab",
    "click-tab-2",
    "click-tab-2-hard",
    "click-test",
    "click-test-2",
    "click-widget",
    "count-shape",
    "email-inbox",
    "email-inbox-forward-nl",
    "email-inbox-forward-nl-turk",
    "email-inbox-nl-turk",
    "enter-date",
    "enter-password",
    "enter-text",
    "enter-text-dynamic",
    "enter-time",
    "focus-text",
    "focus-text-2",
    "grid-coordinate",
    "guess-number",
    "identify-shape",
    "login-user",
    "login-user-popup",
    "multi-layouts",
    "multi-orderings",
    "navigate-tree",
    "search-engine",
    "social-media",
    "social-media-all",
    "social-media-some",
    "tic-tac-toe",
    "use-autocomplete",
    "use-spinner",
]

# The published-56 tasks outside the dev set: agent heuristics are developed against dev, so this is the set that
# says how they carry over to tasks nobody tuned for.
HELDOUT: list[str] = [t for t in PUBLISHED_56 if t not in DEV_SET]

TASK_SETS = {"dev": DEV_SET, "published56": PUBLISHED_56, "heldout": HELDOUT}


class MiniWoBNotInstalled(EclairError):
    """The `miniwob` package (which ships the task HTML) is missing."""


class UnknownMiniWoBTask(EclairError):
    """A task name that the installed `miniwob` package does not ship."""


class MiniWoBEpisodeError(EclairError):
    """An episode could not start (page did not load or never became ready)."""


def miniwob_html_dir() -> Path:
    """The package's `html/` folder (core/, common/, miniwob/, flight/)."""
    spec = find_spec("miniwob")
    if spec is None or not spec.submodule_search_locations:
        raise MiniWoBNotInstalled("the 'miniwob' package is not installed; run: pip install miniwob")
    html = Path(next(iter(spec.submodule_search_locations))) / "html"
    if not (html / "miniwob").is_dir():
        raise MiniWoBNotInstalled(f"{html}/miniwob is missing; reinstall the 'miniwob' package")
    return html


@functools.cache
def all_tasks() -> list[str]:
    """Every task the package ships under html/miniwob/, sorted by name."""
    return sorted(p.stem for p in (miniwob_html_dir() / "miniwob").glob("*.html"))


def resolve_tasks(tasks: str | None = None, task_set: str | None = None) -> list[str]:
    """Turn `--tasks a,b` or `--set dev|heldout|published56|all` into a checked list of task names."""
    if tasks:
        names = [t.strip() for t in tasks.split(",") if t.strip()]
    elif task_set == "all":
        names = all_tasks()
    elif task_set in TASK_SETS:
        names = list(TASK_SETS[task_set])
    elif task_set:
        raise UnknownMiniWoBTask(f"--set {task_set!r} is not a task set; use dev, heldout, published56 or all")
    else:
        names = list(DEV_SET)
    known = set(all_tasks())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownMiniWoBTask(
            f"unknown MiniWoB task(s) {', '.join(unknown)}; see `eclair bench miniwob --list` for the names"
        )
    return names


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("miniwob http: " + format, *args)


class MiniWoBServer:
    """Serves the package's html/ folder on 127.0.0.1 in a daemon thread. Use as a context manager."""

    def __init__(self, port: int = 0) -> None:
        handler = functools.partial(_QuietHandler, directory=str(miniwob_html_dir()))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="miniwob-http", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def task_url(self, task_name: str) -> str:
        return f"{self.base_url}/miniwob/{task_name}.html"

    def __reduce__(self) -> tuple[type[MiniWoBAddress], tuple[str]]:
        # Sent to another process (a Ray worker), the server travels as its address; it keeps running here.
        return MiniWoBAddress, (self.base_url,)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> MiniWoBServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class MiniWoBAddress:
    """A MiniWoBServer as seen from another process: its address only (close() leaves the server alone)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def task_url(self, task_name: str) -> str:
        return f"{self.base_url}/miniwob/{task_name}.html"

    def close(self) -> None:
        """The server belongs to the process that started it."""


def serve_miniwob(port: int = 0) -> MiniWoBServer:
    """Start serving the MiniWoB++ HTML; close() it (or use `with`) when done."""
    return MiniWoBServer(port)


# Starts one seeded episode. The reward HUD is hidden (it would show the reward to the agent). When the episode
# ends, the cover shows "Episode over" (as MiniWoB's own "START" cover would, but it cannot start a new episode),
# so the first reward stays the episode's reward and critics see that the last action did something.
_START_EPISODE_JS = """([seed, maxTime]) => {
  Math.seedrandom(seed);
  core.EPISODE_MAX_TIME = maxTime;
  core.startEpisodeReal();
  var hud = document.getElementById('reward-display');
  if (hud) { hud.style.display = 'none'; }
  // MiniWoB's own DOM observation leaves out the instruction (it is the task text); so do we, keeping the layout.
  var query = document.getElementById('query');
  if (query) { query.setAttribute('aria-hidden', 'true'); }
  var cover = document.getElementById('sync-task-cover');
  if (cover) { cover.onclick = null; }
  core.startEpisode = function () {
    if (cover) { cover.innerHTML = 'Episode over'; cover.style.display = 'block'; }
  };
  var u = core.getUtterance();
  return (u && typeof u === 'object') ? u.utterance : u;
}"""

_READ_REWARD_JS = """() => (typeof WOB_DONE_GLOBAL === 'undefined') ? null
  : {raw: WOB_RAW_REWARD_GLOBAL, done: WOB_DONE_GLOBAL,
     reason: (WOB_REWARD_REASON == null ? null : String(WOB_REWARD_REASON))}"""


class MiniWoBEnv:
    """One MiniWoB++ task. setup() starts a seeded episode on `page`; validate() reads the page's reward."""

    def __init__(self, task_name: str, server: MiniWoBServer) -> None:
        if task_name not in all_tasks():
            raise UnknownMiniWoBTask(f"unknown MiniWoB task {task_name!r}; see `eclair bench miniwob --list`")
        self.task_name = task_name
        self.name = f"miniwob/{task_name}"
        self.server = server

    def setup(self, page: Any, seed: int) -> Task:
        url = self.server.task_url(self.task_name)
        try:
            page.goto(url, wait_until="load")
            # window.onload calls core.startEpisode(), which builds the cover; wait for it before starting.
            page.wait_for_function(
                "() => typeof core !== 'undefined' && document.getElementById('sync-task-cover') !== null",
                timeout=READY_TIMEOUT_MS,
            )
            utterance = page.evaluate(_START_EPISODE_JS, [seed, EPISODE_MAX_TIME_MS])
            page.wait_for_function("() => WOB_TASK_READY === true", timeout=READY_TIMEOUT_MS)
        except Exception as exc:  # playwright errors: timeouts, navigation failures
            raise MiniWoBEpisodeError(f"{self.name}: episode did not start at {url} ({exc})") from exc
        return Task(
            id=f"{self.name}#{seed}",
            text=str(utterance),
            start_url=None,  # the page is already there and must not be reloaded
            env=self.name,
            seed=seed,
            max_steps=_max_steps(self.task_name),
        )

    def validate(self, page: Any) -> tuple[float, bool]:
        try:
            state = page.evaluate(_READ_REWARD_JS)
        except Exception as exc:  # page closed or navigated mid-evaluate
            log.debug("%s: cannot read reward (%s)", self.name, exc)
            state = None
        if state is None:  # the agent left the task page: the episode is over and failed
            return 0.0, True
        return (1.0 if float(state["raw"] or 0) > 0 else 0.0), bool(state["done"])

    def reward_reason(self, page: Any) -> str | None:
        """Why the page gave its reward (e.g. 'timed out'), for the checker verdict; never shown to agents."""
        try:
            state = page.evaluate(_READ_REWARD_JS)
        except Exception:  # page closed
            return None
        return None if state is None else state.get("reason")

    def teardown(self) -> None:
        """Nothing to release: the harness owns the page and the server."""


def _max_steps(task_name: str) -> int:
    # Long-form tasks need more actions than the default budget; click-only tasks need few.
    long_tasks = {"book-flight", "book-flight-nodelay", "email-inbox", "login-user-popup", "social-media-all"}
    return 20 if task_name in long_tasks or task_name.startswith("email-inbox") else 12


def make_envs(task_names: list[str], server: MiniWoBServer) -> list[MiniWoBEnv]:
    return [MiniWoBEnv(name, server) for name in task_names]
