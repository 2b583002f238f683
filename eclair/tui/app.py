"""The eclair Textual app: Home (describe + run), Live run, Review queue and Improve, switched from the footer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.binding import Binding

from eclair.config import Settings
from eclair.tui.home import HomeScreen
from eclair.tui.improve import ImproveScreen
from eclair.tui.live import LiveRunScreen
from eclair.tui.review import ReviewQueueScreen
from eclair.types import Action, Observation

log = logging.getLogger(__name__)

NeedsApproval = Callable[[Action, Observation], str | None]


class EclairApp(App[None]):
    """One app, three modes; a live run is pushed on top of Home (or opened directly by `eclair watch ID`)."""

    CSS_PATH = "app.tcss"
    TITLE = "eclair"
    SUB_TITLE = "describe a workflow · watch it run · review · improve"
    MODES = {"home": HomeScreen, "review": ReviewQueueScreen, "improve": ImproveScreen}
    BINDINGS = [
        Binding("f1", "switch_mode('home')", "Home"),
        Binding("f2", "switch_mode('review')", "Review"),
        Binding("f3", "switch_mode('improve')", "Improve"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        store: Any = None,
        watch_run: str | None = None,
        start_mode: str = "home",
        needs_approval: NeedsApproval | None = None,
        poll_s: float = 0.5,
        initial_run: Any = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self._store = store
        self.watch_run = watch_run
        self.start_mode = start_mode
        self.needs_approval = needs_approval  # the gate's approval rule; the modal asks when it fires
        self.poll_s = poll_s
        self.initial_run = initial_run  # a launch.PreparedRun to start at once (`eclair run`, `eclair demo`)

    @property
    def store(self) -> Any:
        """The one Store of this app, opened on first use (migrations run then)."""
        if self._store is None:
            from eclair.store import Store

            self._store = Store(self.settings)
        return self._store

    def on_mount(self) -> None:
        self.switch_mode(self.start_mode)
        if self.watch_run:
            self.push_screen(LiveRunScreen(run_id=self.watch_run))
        elif self.initial_run is not None:
            self.push_screen(LiveRunScreen(prepared=self.initial_run))
