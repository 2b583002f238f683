"""Which runs a person should review, in what order, and the review writes — shared by the TUI and the CLI."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from eclair.errors import EclairError
from eclair.types import Verdict

if TYPE_CHECKING:
    from eclair.store import Store

log = logging.getLogger(__name__)

Decision = Literal["approved", "rejected"]
FINISHED = ("succeeded", "failed", "needs_review", "interrupted")
CHECKER = "checker"  # a benchmark's hidden ground truth: shown to the reviewer, never counted as a critic


def critic_verdicts(verdicts: list[tuple[int | None, Verdict]]) -> list[tuple[int | None, Verdict]]:
    return [(index, v) for index, v in verdicts if v.critic != CHECKER]


class ReviewInputError(EclairError):
    """A review the user asked for cannot be written as given (e.g. a reject without a note)."""


@dataclass
class QueueEntry:
    """One run waiting for a person, with the critic evidence used to order the queue."""

    run: Any  # RunInfo
    verdicts: list[tuple[int | None, Verdict]]
    uncertainty: float  # 1.0: critics have no idea or disagree, 0.0: every critic is sure

    @property
    def all_passed(self) -> bool:
        """True when critics judged the run, none said fail or unsure, and no benchmark checker disagreed."""
        critics = critic_verdicts(self.verdicts)
        checker_failed = any(v.critic == CHECKER and v.label != "pass" for _, v in self.verdicts)
        return bool(critics) and not checker_failed and all(v.label == "pass" for _, v in critics)

    @property
    def task_label(self) -> str:
        return task_label(self.verdicts)


def task_label(verdicts: list[tuple[int | None, Verdict]]) -> str:
    """The worst label among the task-level verdicts ("—" when there are none)."""
    return worst_label([v for index, v in critic_verdicts(verdicts) if index is None])


def worst_label(verdicts: list[Verdict]) -> str:
    labels = {v.label for v in verdicts}
    for label in ("fail", "unsure", "pass"):
        if label in labels:
            return label
    return "—"


def uncertainty_of(verdicts: list[tuple[int | None, Verdict]]) -> float:
    """How unsure the critics are about a run: unsure labels, scores near 0.5 and disagreement all raise it."""
    verdicts = critic_verdicts(verdicts)
    task_level = [v for index, v in verdicts if index is None] or [v for _, v in verdicts]
    if not task_level:
        return 1.0  # no critic looked at it: a person must
    closeness = [1.0 - abs(2.0 * v.score - 1.0) for v in task_level]
    unsure = sum(v.label == "unsure" for v in task_level) / len(task_level)
    labels = {v.label for v in task_level if v.label != "unsure"}
    disagreement = 1.0 if len(labels) > 1 else 0.0
    return round(max(sum(closeness) / len(closeness), unsure, disagreement), 4)


def runs_needing_review(store: Store, *, limit: int = 200) -> list[QueueEntry]:
    """Finished runs nobody has reviewed yet, most uncertain first (then runs flagged needs_review, then newest)."""
    entries: list[QueueEntry] = []
    for run in store.list_runs(limit=limit):
        if run.status not in FINISHED or run.review is not None:
            continue
        verdicts = store.get_verdicts(run.id)
        entries.append(QueueEntry(run=run, verdicts=verdicts, uncertainty=uncertainty_of(verdicts)))
    entries.sort(key=lambda e: (-e.uncertainty, e.run.status != "needs_review"))
    return entries


def write_review(
    store: Store,
    run_id: str,
    decision: Decision,
    *,
    note: str = "",
    step_labels: dict[int, str] | None = None,
    reviewer: str = "",
) -> None:
    """Record a person's decision on a run; a rejection must say why so the trace stays useful."""
    if decision == "rejected" and not note.strip():
        raise ReviewInputError(f"rejecting run {run_id} needs a note; pass --note 'what went wrong'")
    bad = {k: v for k, v in (step_labels or {}).items() if v not in ("good", "bad")}
    if bad:
        raise ReviewInputError(f"step labels must be 'good' or 'bad', got {bad}")
    store.get_run(run_id)  # raises UnknownRun with a one-line message
    store.add_review(run_id, decision, step_labels=step_labels or None, note=note.strip(), reviewer=reviewer)
    log.info("run %s %s", run_id, decision)


def bulk_approve_passed(
    store: Store, *, note: str = "bulk-approved: all critics passed", reviewer: str = ""
) -> list[str]:
    """Approve every queued run whose critics all passed; returns the approved run ids."""
    approved = []
    for entry in runs_needing_review(store):
        if entry.all_passed:
            write_review(store, entry.run.id, "approved", note=note, reviewer=reviewer)
            approved.append(entry.run.id)
    return approved
