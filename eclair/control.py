"""Pause, resume, stop and single-step a run from another thread (the TUI)."""

from __future__ import annotations

import threading


class RunControl:
    """Pause, resume, stop and single-step a run from another thread (the TUI)."""

    def __init__(self) -> None:
        self._running = threading.Event()
        self._running.set()
        self._stop = threading.Event()
        self._single_step = False
        self._takeover = False

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._single_step = False
        self._running.set()

    def step_once(self) -> None:
        self._single_step = True
        self._running.set()

    def request_takeover(self) -> None:
        """The person wants the browser: the run hands it over before its next step (headed runs only)."""
        self._takeover = True

    def take_takeover_request(self) -> bool:
        wanted, self._takeover = self._takeover, False
        return wanted

    def stop(self) -> None:
        self._stop.set()
        self._running.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_turn(self) -> bool:
        """Block while paused; return False when the run should stop."""
        while not self._running.wait(0.2):
            if self._stop.is_set():
                return False
        if self._single_step:
            self._running.clear()  # run exactly one step, then pause again
        return not self._stop.is_set()
