"""The Store: the one object that writes eclair's database and trace folders."""

from __future__ import annotations

from eclair.store.runs import RunsMixin


class Store(RunsMixin):
    """Runs, steps, verdicts, workflows, SOPs, demonstrations, reviews, datasets, model versions, rounds."""
