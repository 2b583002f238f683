"""Start or connect to Chromium, make contexts, and know which tab the agent is on."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, BrowserType, Page, Playwright, Response, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from eclair.browser import live_trace
from eclair.browser.errors import BrowserNotFound, PageUnreachable, VideoUnavailable
from eclair.browser.state import context_state
from eclair.browser.waits import install_request_counter
from eclair.config import Settings

log = logging.getLogger(__name__)

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def resolve_browser_path(settings: Settings, bundled: str | None) -> str | None:
    """The Chromium to launch: ECLAIR_BROWSER_PATH, then Playwright's bundled build, then /usr/bin/chromium.

    Returns None to mean "Playwright's bundled build" (Playwright finds it itself).
    """
    if settings.browser_path:
        path = Path(settings.browser_path).expanduser()
        if not path.is_file():
            raise BrowserNotFound(
                f"ECLAIR_BROWSER_PATH={settings.browser_path} does not exist; point it at a Chromium binary or unset it"
            )
        return str(path)
    if bundled and Path(bundled).is_file():
        return None
    if SYSTEM_CHROMIUM.is_file():
        return str(SYSTEM_CHROMIUM)
    raise BrowserNotFound(
        "no Chromium found: set ECLAIR_BROWSER_PATH, run `playwright install chromium`, "
        f"or install {SYSTEM_CHROMIUM} (apt-get install chromium)"
    )


@contextmanager
def open_browser(settings: Settings) -> Iterator[Browser]:
    """Launch Chromium (or connect to settings.cdp_url / settings.ws_endpoint); closed on exit.

    Nested calls in one thread share that thread's Playwright driver (the sync API allows one per thread).
    """
    with _thread_playwright() as pw:
        browser = _start(pw, settings)
        try:
            yield browser
        finally:
            try:
                browser.close()
            except PlaywrightError as exc:  # already gone (remote side closed, crash)
                log.debug("browser close: %s", exc)
            live_trace.forget(browser)


_local = threading.local()


@contextmanager
def _thread_playwright() -> Iterator[Playwright]:
    """This thread's Playwright driver, started on first use and stopped when its last user leaves."""
    if getattr(_local, "users", 0) == 0:
        _local.playwright = sync_playwright().start()
    _local.users = getattr(_local, "users", 0) + 1
    try:
        yield _local.playwright
    finally:
        _local.users -= 1
        if _local.users == 0:
            playwright, _local.playwright = _local.playwright, None
            playwright.stop()


def _start(pw: Playwright, settings: Settings) -> Browser:
    chromium = pw.chromium
    if settings.cdp_url:
        try:
            return chromium.connect_over_cdp(settings.cdp_url, timeout=15_000)
        except PlaywrightError as exc:
            raise BrowserNotFound(f"cannot connect to --cdp-url {settings.cdp_url}: {_first_line(exc)}") from None
    if settings.ws_endpoint:
        # `playwright run-server` launches the browser with these options; a launchServer endpoint ignores them.
        # executablePath names a binary on the server's machine and needs the server's --unsafe flag.
        launch_options: dict[str, object] = {"args": LAUNCH_ARGS, "headless": settings.headless}
        if settings.browser_path:
            launch_options["executablePath"] = settings.browser_path
        headers = {"x-playwright-launch-options": json.dumps(launch_options)}
        try:
            return chromium.connect(settings.ws_endpoint, timeout=15_000, headers=headers)
        except PlaywrightError as exc:
            hint = _SERVER_BROWSER_HINT if "Executable doesn't exist" in str(exc) else ""
            raise BrowserNotFound(
                f"cannot connect to --ws-endpoint {settings.ws_endpoint}: {_first_line(exc)}{hint}"
            ) from None
    executable = resolve_browser_path(settings, _bundled_path(chromium))
    live = live_trace.launch_dir(settings.traces_dir)  # traces written here survive a crash (live_trace)
    try:
        browser = chromium.launch(
            executable_path=executable, headless=settings.headless, args=LAUNCH_ARGS, traces_dir=str(live)
        )
    except PlaywrightError as exc:
        shutil.rmtree(live, ignore_errors=True)
        raise BrowserNotFound(
            f"Chromium at {executable or 'the Playwright bundle'} failed to start: {_first_line(exc)}; "
            "set ECLAIR_BROWSER_PATH to a working binary"
        ) from None
    live_trace.remember(browser, live)
    return browser


_SERVER_BROWSER_HINT = (
    "; the server has no browser of its own: run `playwright install chromium` on its machine, or start it with "
    "`playwright run-server --unsafe` and set ECLAIR_BROWSER_PATH to a Chromium on that machine"
)


def _bundled_path(chromium: BrowserType) -> str | None:
    try:
        return str(chromium.executable_path)
    except PlaywrightError:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def new_context(
    browser: Browser,
    *,
    video_dir: Path | None = None,
    downloads_dir: Path | None = None,
    viewport: tuple[int, int] = (1280, 800),
) -> BrowserContext:
    """A fresh context (cookies, storage) with downloads accepted and, if asked, video recorded."""
    width, height = viewport
    kwargs: dict[str, object] = {"viewport": {"width": width, "height": height}, "accept_downloads": True}
    if video_dir is not None:
        video_dir.mkdir(parents=True, exist_ok=True)
        kwargs["record_video_dir"] = str(video_dir)
        kwargs["record_video_size"] = {"width": width, "height": height}
    context = browser.new_context(**kwargs)  # type: ignore[arg-type]
    install_request_counter(context)
    state = context_state(context)
    if video_dir is not None:
        try:
            context.new_page()  # the agent's first tab; recording starts (and ffmpeg is needed) here
        except PlaywrightError as exc:
            context.close()
            if "ffmpeg" not in str(exc):
                raise
            where = next((w for w in str(exc).split() if "ffmpeg" in w), "Playwright's ffmpeg")
            raise VideoUnavailable(
                f"video recording needs ffmpeg at {where}; run `make setup` (links Debian's ffmpeg there) "
                "or run without video"
            ) from None
    if downloads_dir is not None:
        downloads_dir.mkdir(parents=True, exist_ok=True)
        state.downloads_dir = downloads_dir
    return context


def current_page(context: BrowserContext) -> Page:
    """The tab the agent is on: the last one it switched to or that popped up; a new one if all are closed."""
    state = context_state(context)
    page = state.current
    if page is not None and not page.is_closed():
        return page
    open_pages = [p for p in context.pages if not p.is_closed()]
    page = open_pages[-1] if open_pages else context.new_page()
    state.current = page
    return page


OPENABLE_SCHEMES = ("http://", "https://", "file://")


def navigate(page: Page, url: str, *, timeout_ms: int = 20_000) -> int | None:
    """Open `url` in `page` and wait for load; PageUnreachable (one line) when it cannot be opened.

    Returns the HTTP status (None for file URLs). Used to open a run's start URL; agents use act(goto).
    """
    if not url.lower().startswith(OPENABLE_SCHEMES):
        scheme = url.split(":", 1)[0] if ":" in url else "none"
        raise PageUnreachable(f"{url!r}: scheme {scheme!r} is not supported; use an http://, https:// or file:// URL")
    try:
        response = goto_with_retry(page, url, timeout_ms=timeout_ms)
    except PlaywrightError as exc:
        reason = _first_line(exc).split("Call log")[0].replace("Page.goto: ", "").strip()
        raise PageUnreachable(f"cannot open {url}: {reason}; check the address and that the server is up") from None
    return response.status if response is not None else None


def goto_with_retry(page: Page, url: str, *, timeout_ms: int, attempts: int = 3) -> Response | None:
    """page.goto, retried when a leftover navigation (e.g. to Chromium's error page) interrupts it."""
    for attempt in range(1, attempts + 1):
        try:
            return page.goto(url, timeout=timeout_ms, wait_until="load")
        except PlaywrightError as exc:
            if "interrupted by another navigation" not in str(exc) or attempt == attempts:
                raise
            log.debug("goto %s interrupted (attempt %d); retrying", url, attempt)
            try:
                page.wait_for_load_state("load", timeout=timeout_ms)
            except PlaywrightError:
                pass
    return None
