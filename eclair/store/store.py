"""The Store: the one object that writes eclair's database and trace folders."""

from __future__ import annotations

from eclair.config import Settings
from eclair.store.explore import ExploreMixin
from eclair.store.library import LibraryMixin
from eclair.store.programs import ProgramsMixin
from eclair.store.runs import RunsMixin
from eclair.store.transfer import TransferMixin


class Store(RunsMixin, LibraryMixin, ProgramsMixin, TransferMixin, ExploreMixin):
    """Runs, steps, verdicts, workflows, SOPs, demonstrations, reviews, datasets, model versions, rounds,
    workflow programs, app maps.

    Opening one upgrades the schema on first use and marks runs whose process died as `interrupted`.
    """

    def __init__(
        self, settings: Settings, *, stale_after_s: float = 30.0, auto_upgrade: bool = True, recover: bool = True
    ) -> None:
        super().__init__(settings, stale_after_s=stale_after_s, auto_upgrade=auto_upgrade)
        if recover and auto_upgrade:
            self.mark_interrupted()
