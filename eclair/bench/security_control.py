"""The leak bench's control: guards that type secrets like the real one but mask nothing, so the scanners must
find every secret. Used by `benchmarks/security_control.py` and the test that the scanners are not blind."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import eclair.security.guard as guard_module


class UnmaskedGuard(guard_module.RunGuard):
    """Types secrets like the real guard but masks nothing: the scanners must find the value everywhere."""

    trace_screenshots = True  # type: ignore[assignment]

    def attach(self, context: Any, *, allowed_domains: tuple[str, ...] = ()) -> None:
        pass

    def store(self, store: Any) -> Any:
        return store

    def sink(self, sink: Any) -> Any:
        return sink

    def logs(self) -> Any:
        return contextlib.nullcontext()

    def after_act(self, result: Any, run_dir: Path) -> Any:
        return result

    def finish(self, run_dir: Path) -> None:
        pass


@contextlib.contextmanager
def masking_switched_off() -> Iterator[None]:
    """While the block runs, every run's guard is an UnmaskedGuard around the real guard's masker."""
    original = guard_module.RunGuard.__dict__["for_task"]
    real = original.__func__

    def unmasked(cls: type, task: Any, settings: Any = None) -> UnmaskedGuard:
        return UnmaskedGuard(real(guard_module.RunGuard, task, settings).masker)

    guard_module.RunGuard.for_task = classmethod(unmasked)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        guard_module.RunGuard.for_task = original  # type: ignore[method-assign]
