"""Review-queue ordering and bulk approval, straight on a real store."""

from __future__ import annotations

from typing import Any

from eclair.tui.review_queue import bulk_approve_passed, runs_needing_review, uncertainty_of
from eclair.types import Verdict


def test_queue_puts_the_most_uncertain_first(store: Any, filled_store: dict[str, str]) -> None:
    order = [entry.run.id for entry in runs_needing_review(store)]
    assert order[0] == filled_store["unsure"]
    assert set(order) == set(filled_store.values())
    by_id = {e.run.id: e for e in runs_needing_review(store)}
    assert by_id[filled_store["passed"]].all_passed
    assert not by_id[filled_store["failed"]].all_passed


def test_uncertainty_ranks_unsure_and_disagreement_above_confident_verdicts() -> None:
    sure = [(None, Verdict(label="pass", score=0.95, critic="task"))]
    unsure = [(None, Verdict(label="unsure", score=0.5, critic="task"))]
    split = [(None, Verdict(label="pass", score=0.9, critic="a")), (None, Verdict(label="fail", score=0.1, critic="b"))]
    assert uncertainty_of(sure) < 0.2
    assert uncertainty_of(unsure) == 1.0
    assert uncertainty_of(split) == 1.0
    assert uncertainty_of([]) == 1.0
    # the benchmark checker is ground truth, not a critic: it does not change the ranking
    assert uncertainty_of([*sure, (None, Verdict(label="fail", score=0.0, critic="checker"))]) == uncertainty_of(sure)


def test_bulk_approve_skips_runs_a_checker_failed(store: Any, filled_store: dict[str, str]) -> None:
    store.add_verdict(filled_store["passed"], Verdict(label="fail", score=0.0, critic="checker"))
    assert bulk_approve_passed(store) == []
    assert store.get_reviews(filled_store["passed"]) == []
