"""The Store: the one object that writes eclair's database and trace folders."""

from __future__ import annotations

from eclair.store.library import LibraryMixin
from eclair.store.runs import RunsMixin
from eclair.store.transfer import TransferMixin


class Store(RunsMixin, LibraryMixin, TransferMixin):
    """Runs, steps, verdicts, workflows, SOPs, demonstrations, reviews, datasets, model versions, rounds."""
