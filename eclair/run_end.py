"""How a run that stopped on an exception is recorded: `interrupted` (resumable, nothing wrong with the run itself)
or `failed`, always with a one-line reason naming what happened and what to do."""

from __future__ import annotations

import errno

from sqlalchemy.exc import OperationalError

from eclair.errors import EclairError, Terminated
from eclair.models.base import ModelUnavailable
from eclair.types import RunStatus

RESUME_HINT = "resume it with `eclair runs resume {run_id}`"
# What Playwright says when the browser process, its context or the tab went away under the run.
_BROWSER_GONE = ("target crashed", "page crashed", "has been closed", "browser closed", "connection closed")


class PageCrashed(RuntimeError):
    """The page's renderer process died under the run (Playwright's `crash` event)."""


class RunInterrupted(EclairError):
    """A fault stopped the run; it is stored as interrupted with the reason, and can be resumed."""

    exit_code = 3


def first_line(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:limit]


def browser_gone(exc: BaseException) -> bool:
    """The browser process, its context or the page crashed or closed (not an action that failed on a live page)."""
    text = str(exc).lower()
    return type(exc).__module__.startswith("playwright") and any(cue in text for cue in _BROWSER_GONE)


def run_end_for(exc: BaseException, run_id: str) -> tuple[RunStatus, str]:
    """The status and reason for a run that `exc` stopped; every `interrupted` one says how to resume it."""
    hint = RESUME_HINT.format(run_id=run_id)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", f"interrupted (Ctrl-C); {hint}"
    if isinstance(exc, Terminated):
        return "interrupted", f"{exc}; {hint}"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "interrupted", f"disk full writing trace files ({exc.filename or 'traces'}); free space, then {hint}"
    if isinstance(exc, PageCrashed):
        return "interrupted", f"{exc}; {hint}"
    if browser_gone(exc):
        return "interrupted", f"the browser crashed or closed: {first_line(exc)}; {hint}"
    if isinstance(exc, OperationalError):
        return "interrupted", f"the database failed: {first_line(exc)}; {hint}"
    if isinstance(exc, ModelUnavailable):
        return "interrupted", f"the model endpoint failed: {first_line(exc)}; {hint}"
    return "failed", first_line(exc, 500)
