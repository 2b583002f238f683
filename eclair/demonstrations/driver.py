"""The `page` a --script receives: Playwright's own objects behind a thin wrapper that captures the page state
just before every action call, so each recorded action has an exact before-state (and the previous one its
after-state) without any Playwright call from inside an event callback.

Everything a script does passes through unchanged; `page.unwrapped` is the real Page (e.g. for `expect`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Methods of Page, Frame, Locator, ElementHandle, Keyboard and Mouse that change the page.
ACTION_METHODS = frozenset(
    {
        "check",
        "clear",
        "click",
        "dblclick",
        "dispatch_event",
        "down",
        "drag_and_drop",
        "drag_to",
        "fill",
        "go_back",
        "go_forward",
        "goto",
        "insert_text",
        "press",
        "press_sequentially",
        "reload",
        "select_option",
        "set_checked",
        "set_input_files",
        "tap",
        "type",
        "uncheck",
        "up",
        "wheel",
    }
)


def _is_playwright_object(value: Any) -> bool:
    return type(value).__module__.startswith("playwright.") and not isinstance(value, str | bytes | int | float)


class RecordingWrapper:
    """Wraps one Playwright object; action methods call `before_action()` first; results are wrapped again."""

    __slots__ = ("_before_action", "_target")

    def __init__(self, target: Any, before_action: Callable[[], None]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_before_action", before_action)

    @property
    def unwrapped(self) -> Any:
        return self._target

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        return RecordingWrapper(value, self._before_action) if _is_playwright_object(value) else value

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return self._wrap(value)

        def call(*args: Any, **kwargs: Any) -> Any:
            if name in ACTION_METHODS:
                self._before_action()
            args = tuple(a.unwrapped if isinstance(a, RecordingWrapper) else a for a in args)
            kwargs = {k: (v.unwrapped if isinstance(v, RecordingWrapper) else v) for k, v in kwargs.items()}
            return self._wrap(value(*args, **kwargs))

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __enter__(self) -> Any:  # `with page.expect_navigation() as info:` and the like
        return self._wrap(self._target.__enter__())

    def __exit__(self, *exc: Any) -> Any:
        return self._target.__exit__(*exc)

    def __iter__(self) -> Any:
        return iter(self._wrap(list(self._target)))

    def __repr__(self) -> str:
        return f"<recording {self._target!r}>"
