"""Rows to typed records and back: RunInfo, StepRecord and Verdict from the ORM rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eclair.store.base import aware
from eclair.store.info import RunInfo
from eclair.store.models import ReviewRow, RunRow, StepRow, VerdictRow, utcnow
from eclair.types import ActionResult, Decision, Observation, StepRecord, StepTimings, Verdict

COMBINED_CRITIC = "combined"  # the critic name of the panel's combined task verdict
GROUND_TRUTH_CRITIC = "checker"  # benchmark checkers measure critics; they never label a run


def run_infos(session: Session, rows: list[RunRow], traces_root: Path) -> list[RunInfo]:
    """RunInfo for each row, with step counts, label and latest review loaded in three grouped queries."""
    ids = [r.id for r in rows]
    if not ids:
        return []
    counts = {
        rid: (n_idx, n_rows)
        for rid, n_idx, n_rows in session.execute(
            select(StepRow.run_id, func.count(func.distinct(StepRow.step_index)), func.count(StepRow.id))
            .where(StepRow.run_id.in_(ids))
            .group_by(StepRow.run_id)
        )
    }
    run_level: dict[str, list[VerdictRow]] = {}
    for v in session.scalars(
        select(VerdictRow).where(VerdictRow.run_id.in_(ids), VerdictRow.step_index.is_(None)).order_by(VerdictRow.id)
    ):
        if v.critic != GROUND_TRUTH_CRITIC:
            run_level.setdefault(v.run_id, []).append(v)
    reviews = {
        r.run_id: r.decision
        for r in session.scalars(select(ReviewRow).where(ReviewRow.run_id.in_(ids)).order_by(ReviewRow.id))
    }
    now = utcnow()
    infos = []
    for row in rows:
        started, finished = aware(row.started_at), aware(row.finished_at)
        wall = row.wall_ms
        if row.status == "running" and started and not finished:
            wall = (now - started).total_seconds() * 1000
        n_idx, n_rows = counts.get(row.id, (0, 0))
        infos.append(
            RunInfo(
                id=row.id,
                workflow=row.workflow,
                task_text=row.task_text,
                params=row.params or {},
                agent=row.agent,
                backend=row.backend,
                model=row.model,
                status=row.status,  # type: ignore[arg-type]
                created_at=aware(row.created_at),  # type: ignore[arg-type]
                started_at=started,
                finished_at=finished,
                heartbeat_at=aware(row.heartbeat_at),
                error=row.error,
                answer=row.answer,
                trace_dir=traces_root / row.trace_dir,
                tokens_in=row.tokens_in,
                tokens_out=row.tokens_out,
                wall_ms=wall,
                n_steps=n_idx,
                n_attempts=n_rows,
                label=_run_label(run_level.get(row.id, [])),  # type: ignore[arg-type]
                review=reviews.get(row.id),  # type: ignore[arg-type]
                env=(row.task or {}).get("env"),
                seed=(row.task or {}).get("seed"),
            )
        )
    return infos


def _run_label(verdicts: list[VerdictRow]) -> str | None:
    """The latest "combined" verdict; without one, fail if any critic failed, pass if all passed, else unsure."""
    combined = [v for v in verdicts if v.critic == COMBINED_CRITIC]
    if combined:
        return combined[-1].label
    if not verdicts:
        return None
    labels = {v.label for v in verdicts}
    return "fail" if "fail" in labels else "pass" if labels == {"pass"} else "unsure"


def verdict_row(run_id: str, verdict: Verdict, step_index: int | None, attempt: int | None) -> VerdictRow:
    return VerdictRow(
        run_id=run_id,
        step_index=step_index,
        attempt=attempt,
        critic=verdict.critic,
        label=verdict.label,
        score=verdict.score,
        reason=verdict.reason,
        created_at=utcnow(),
    )


def verdict_of(row: VerdictRow) -> Verdict:
    return Verdict(label=row.label, score=row.score, reason=row.reason, critic=row.critic)  # type: ignore[arg-type]


def step_record(row: StepRow, verdicts: list[Verdict]) -> StepRecord:
    return StepRecord(
        index=row.step_index,
        attempt=row.attempt,
        observation=Observation.model_validate(row.observation),
        decision=Decision.model_validate(row.decision),
        result=ActionResult.model_validate(row.result) if row.result is not None else None,
        verdicts=verdicts,
        timings=StepTimings(
            observe_ms=row.observe_ms, decide_ms=row.decide_ms, act_ms=row.act_ms, validate_ms=row.validate_ms
        ),
        screenshot_path=row.screenshot_path,
        feedback=row.feedback,
        verification=bool(row.verification),
    )
