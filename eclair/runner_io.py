"""What a run needs around its loop: a browser page, an event sink that cannot break it, the Playwright trace."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from eclair.browser import new_context, open_browser
from eclair.config import Settings
from eclair.security.guard import RunGuard
from eclair.types import RunEvent

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = logging.getLogger(__name__)

EventSink = Callable[[RunEvent], None]


def stop_tracing(context: Any, run_dir: Any, tracing: bool, guard: RunGuard) -> None:
    try:
        if tracing:
            context.tracing.stop(path=str(run_dir / "trace.zip"))
    except Exception as exc:  # a closed browser cannot write its trace; the steps are already stored
        log.warning("could not save trace.zip: %s", exc)
    finally:
        guard.finish(run_dir)  # trace.zip and downloads scrubbed before anyone can read them
        guard.detach(context)


def emitter(run_id: str, sink: EventSink | None) -> Callable[..., None]:
    def emit(kind: str, step: int | None, **data: Any) -> None:
        if sink is None:
            return
        try:
            sink(RunEvent(kind=kind, run_id=run_id, step=step, data=data))  # type: ignore[arg-type]
        except Exception:  # a broken viewer must not break the run
            log.exception("event sink failed")

    return emit


@contextmanager
def browser_page(settings: Settings, *, video_dir: Any = None) -> Iterator[Page]:
    """A fresh browser context and page from the configured browser, closed afterwards."""
    with open_browser(settings) as browser:
        context = new_context(browser, video_dir=video_dir)
        try:
            yield context.new_page()
        finally:
            context.close()
