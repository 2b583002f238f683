"""Runs, steps and verdicts: the per-step, crash-safe part of the store."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eclair.store.base import StoreBase, aware
from eclair.store.info import RunInfo
from eclair.store.models import RunRow, StepRow, VerdictRow, utcnow
from eclair.store.records import run_infos, step_record, verdict_of, verdict_row
from eclair.store.traces import step_stem, write_durable
from eclair.types import (
    RunStatus,
    StepRecord,
    Task,
    Verdict,
)

HOST = socket.gethostname()
LOCAL_STALE_S = 600.0  # a live local pid with no heartbeat for this long is taken to be a reused pid


def new_run_id() -> str:
    return uuid.uuid4().hex[:10]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunsMixin(StoreBase):
    # ---- lifecycle -------------------------------------------------------------------------------------------
    def create_run(self, task: Task, *, agent: str = "", backend: str = "", model: str = "") -> RunInfo:
        """Insert a `pending` run and create its trace folder `traces/<id>/`."""
        run_id = new_run_id()
        self.run_dir(run_id).mkdir(parents=True, exist_ok=True)
        row = RunRow(
            id=run_id,
            workflow=task.workflow,
            task=task.model_dump(mode="json"),
            task_text=task.text,
            params=dict(task.params),
            agent=agent,
            backend=backend,
            model=model,
            status="pending",
            created_at=utcnow(),
            trace_dir=run_id,
            tokens_in=0,
            tokens_out=0,
            wall_ms=0.0,
        )
        self._write(lambda s: s.add(row), "create run")
        return self.get_run(run_id)

    def start_run(self, run_id: str, *, resumed: bool = False) -> None:
        """Mark the run `running` in this process; `resumed` keeps its start time and clears the earlier end."""

        def apply(session: Session) -> None:
            row = self._run_row(session, run_id)
            now = utcnow()
            row.status, row.heartbeat_at = "running", now
            row.started_at = row.started_at if resumed and row.started_at else now
            if resumed:
                row.finished_at, row.error, row.answer = None, None, None
            row.host, row.pid = HOST, os.getpid()

        self._write(apply, "start run")

    def heartbeat(self, run_id: str) -> None:
        """Mark the run alive; a `running` run whose heartbeat goes stale is later marked `interrupted`."""

        def apply(session: Session) -> None:
            row = self._run_row(session, run_id)
            row.heartbeat_at = utcnow()
            row.host, row.pid = HOST, os.getpid()

        self._write(apply, "heartbeat")

    @contextlib.contextmanager
    def keep_alive(self, run_id: str, every_s: float = 5.0) -> Iterator[None]:
        """Heartbeat from a background thread while the block runs (long model calls stay 'alive')."""
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(every_s):
                with contextlib.suppress(Exception):
                    self.heartbeat(run_id)

        thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=every_s + 1)

    def finish_run(
        self, run_id: str, status: RunStatus, *, error: str | None = None, answer: str | None = None
    ) -> None:
        def apply(session: Session) -> None:
            row = self._run_row(session, run_id)
            now = utcnow()
            row.status, row.finished_at, row.error, row.answer = status, now, error, answer
            started = aware(row.started_at)
            row.wall_ms = (now - started).total_seconds() * 1000 if started else 0.0

        self._write(apply, "finish run")

    def mark_interrupted(self, stale_after_s: float | None = None) -> list[str]:
        """Mark `running` runs whose process is gone as `interrupted`; returns their ids.

        A run elsewhere is dead when its heartbeat is older than the limit; a run on this host when its pid is
        gone (at once), or, should the pid be alive, when its heartbeat is older than LOCAL_STALE_S (pid reuse).
        """
        limit = timedelta(seconds=self.stale_after_s if stale_after_s is None else stale_after_s)
        local_limit = max(limit, timedelta(seconds=LOCAL_STALE_S))

        def is_dead(row: RunRow, now: datetime) -> bool:
            beat = aware(row.heartbeat_at) or aware(row.started_at) or aware(row.created_at)
            age = now - beat if beat else timedelta.max
            if row.host == HOST and row.pid is not None:
                return not _pid_alive(row.pid) or age > local_limit
            return age > limit

        def find(session: Session) -> list[str]:
            now = utcnow()
            return [r.id for r in session.scalars(select(RunRow).where(RunRow.status == "running")) if is_dead(r, now)]

        if not self._read(find, "find dead runs"):  # the common case needs no write lock
            return []

        def apply(session: Session) -> list[str]:
            now = utcnow()
            marked = []
            for row in session.scalars(select(RunRow).where(RunRow.status == "running")):
                if not is_dead(row, now):
                    continue
                beat = aware(row.heartbeat_at) or now
                row.status, row.finished_at = "interrupted", now
                row.error = row.error or (
                    f"the process running it stopped (no heartbeat); resume it with `eclair runs resume {row.id}`"
                )
                started = aware(row.started_at)
                row.wall_ms = (beat - started).total_seconds() * 1000 if started else 0.0
                marked.append(row.id)
            return marked

        return self._write(apply, "mark interrupted")

    # ---- steps and verdicts ----------------------------------------------------------------------------------
    def record_step(self, run_id: str, step: StepRecord, screenshot: bytes | None = None) -> StepRecord:
        """Flush step-NNN.png and step-NNN.json, then commit the step row; returns it with screenshot_path set."""
        png = screenshot if screenshot is not None else step.observation.screenshot
        if run_id not in self._known_runs:  # before any file is written; the commit below checks again
            self._read(lambda s: self._run_row(s, run_id), "check run")
            self._known_runs.add(run_id)
        stem = step_stem(step.index, step.attempt)
        rel_png = f"{run_id}/{stem}.png" if png else step.screenshot_path
        rel_json = f"{run_id}/{stem}.json"
        saved = step.model_copy(update={"screenshot_path": rel_png})
        files = {self.traces_root / rel_png: png} if png and rel_png else {}
        files[self.traces_root / rel_json] = saved.model_dump_json(indent=1).encode()
        write_durable(files, fsync=self.fsync)

        def apply(session: Session) -> None:
            run = self._run_row(session, run_id)
            old = session.scalars(
                select(StepRow).where(
                    StepRow.run_id == run_id, StepRow.step_index == step.index, StepRow.attempt == step.attempt
                )
            ).first()
            if old is not None:  # re-recording the same attempt replaces it
                run.tokens_in -= old.tokens_in
                run.tokens_out -= old.tokens_out
                session.execute(
                    delete(VerdictRow).where(
                        VerdictRow.run_id == run_id,
                        VerdictRow.step_index == step.index,
                        VerdictRow.attempt == step.attempt,
                    )
                )
                session.delete(old)
                session.flush()
            usage = saved.decision.usage
            session.add(
                StepRow(
                    run_id=run_id,
                    step_index=saved.index,
                    attempt=saved.attempt,
                    url=saved.observation.url,
                    observation=saved.observation.model_dump(mode="json"),
                    decision=saved.decision.model_dump(mode="json"),
                    result=saved.result.model_dump(mode="json") if saved.result else None,
                    feedback=saved.feedback,
                    screenshot_path=rel_png,
                    json_path=rel_json,
                    verification=saved.verification,
                    observe_ms=saved.timings.observe_ms,
                    decide_ms=saved.timings.decide_ms,
                    act_ms=saved.timings.act_ms,
                    validate_ms=saved.timings.validate_ms,
                    tokens_in=usage.tokens_in,
                    tokens_out=usage.tokens_out,
                    created_at=utcnow(),
                )
            )
            for verdict in saved.verdicts:
                session.add(verdict_row(run_id, verdict, saved.index, saved.attempt))
            run.tokens_in += usage.tokens_in
            run.tokens_out += usage.tokens_out
            now = utcnow()
            run.heartbeat_at, run.host, run.pid = now, HOST, os.getpid()
            if run.status in ("pending", "interrupted"):  # it is evidently alive
                run.status, run.started_at = "running", run.started_at or now

        self._write(apply, "record step")
        return saved

    def add_verdict(self, run_id: str, verdict: Verdict, step_index: int | None = None) -> None:
        """Attach a verdict to the run (step_index None) or to the latest attempt of one step."""

        def apply(session: Session) -> None:
            self._run_row(session, run_id)
            attempt = None
            if step_index is not None:
                attempt = session.scalar(
                    select(func.max(StepRow.attempt)).where(StepRow.run_id == run_id, StepRow.step_index == step_index)
                )
            session.add(verdict_row(run_id, verdict, step_index, attempt))

        self._write(apply, "add verdict")

    # ---- reading -----------------------------------------------------------------------------------------------
    def get_run(self, run_id: str) -> RunInfo:
        def load(session: Session) -> RunInfo:
            return run_infos(session, [self._run_row(session, run_id)], self.traces_root)[0]

        return self._read(load, "get run")

    def list_runs(self, status: str | None = None, limit: int = 50) -> list[RunInfo]:
        """Newest first."""

        def load(session: Session) -> list[RunInfo]:
            query = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id).limit(limit)
            if status:
                query = query.where(RunRow.status == status)
            return run_infos(session, list(session.scalars(query)), self.traces_root)

        return self._read(load, "list runs")

    def get_steps(self, run_id: str, *, verification: bool = False) -> list[StepRecord]:
        """Every recorded step attempt in (index, attempt) order, typed, with its verdicts; the critics'
        verification steps (re-reading the result after `done`) only when asked for."""

        def load(session: Session) -> list[StepRecord]:
            self._run_row(session, run_id)
            rows = session.scalars(
                select(StepRow).where(StepRow.run_id == run_id).order_by(StepRow.step_index, StepRow.attempt)
            )
            verdicts: dict[tuple[int | None, int | None], list[Verdict]] = {}
            for v in session.scalars(select(VerdictRow).where(VerdictRow.run_id == run_id).order_by(VerdictRow.id)):
                verdicts.setdefault((v.step_index, v.attempt), []).append(verdict_of(v))
            steps = [step_record(r, verdicts.get((r.step_index, r.attempt), [])) for r in rows]
            return [s for s in steps if verification or not s.verification]

        return self._read(load, "get steps")

    def get_verdicts(self, run_id: str) -> list[tuple[int | None, Verdict]]:
        def load(session: Session) -> list[tuple[int | None, Verdict]]:
            self._run_row(session, run_id)
            rows = session.scalars(select(VerdictRow).where(VerdictRow.run_id == run_id).order_by(VerdictRow.id))
            return [(r.step_index, verdict_of(r)) for r in rows]

        return self._read(load, "get verdicts")

    def get_task(self, run_id: str) -> Task:
        """The Task the run was created with."""
        return self._read(lambda s: Task.model_validate(self._run_row(s, run_id).task), "get task")
