"""SQLAlchemy 2.0 typed models of everything eclair records. Only eclair.store reads or writes these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: DateTime(timezone=True)}


class WorkflowRow(Base):
    __tablename__ = "workflows"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    start_url: Mapped[str | None] = mapped_column(Text)
    params_schema: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SopVersionRow(Base):
    __tablename__ = "sop_versions"
    __table_args__ = (UniqueConstraint("workflow_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DemonstrationRow(Base):
    __tablename__ = "demonstrations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))  # recording | video | imported
    files: Mapped[list[Any]]
    action_log: Mapped[list[Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunRow(Base):
    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workflow: Mapped[str | None] = mapped_column(String(200), index=True)  # name; ad-hoc tasks have none
    task: Mapped[dict[str, Any]]  # the full Task JSON
    task_text: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]]
    agent: Mapped[str] = mapped_column(String(100), default="")
    backend: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    trace_dir: Mapped[str] = mapped_column(Text)  # relative to the traces root
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    wall_ms: Mapped[float] = mapped_column(Float, default=0.0)


class StepRow(Base):
    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("run_id", "step_index", "attempt"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    step_index: Mapped[int] = mapped_column(Integer)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    url: Mapped[str] = mapped_column(Text, default="")
    observation: Mapped[dict[str, Any]]  # Observation JSON without the screenshot
    decision: Mapped[dict[str, Any]]  # action, rationale, expected outcome, prompt, completion, candidates
    result: Mapped[dict[str, Any] | None]  # ActionResult; None when the gate refused
    feedback: Mapped[str | None] = mapped_column(Text)
    screenshot_path: Mapped[str | None] = mapped_column(Text)  # relative to the traces root
    json_path: Mapped[str] = mapped_column(Text)  # relative to the traces root
    verification: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # a critic's re-read
    observe_ms: Mapped[float] = mapped_column(Float, default=0.0)
    decide_ms: Mapped[float] = mapped_column(Float, default=0.0)
    act_ms: Mapped[float] = mapped_column(Float, default=0.0)
    validate_ms: Mapped[float] = mapped_column(Float, default=0.0)
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VerdictRow(Base):
    __tablename__ = "verdicts"
    __table_args__ = (Index("ix_verdicts_run_step", "run_id", "step_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    step_index: Mapped[int | None]  # None: a verdict on the whole run
    attempt: Mapped[int | None]
    critic: Mapped[str] = mapped_column(String(100), default="")
    label: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float, default=0.5)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReviewRow(Base):
    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(10))  # approved | rejected
    step_labels: Mapped[dict[str, Any]]  # step index (as text) -> pass | fail | unsure
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatasetRow(Base):
    __tablename__ = "datasets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))  # e.g. sft | dpo
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer, default=0)
    provenance: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelVersionRow(Base):
    __tablename__ = "model_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    base: Mapped[str] = mapped_column(Text)
    adapter_path: Mapped[str | None] = mapped_column(Text)
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id", ondelete="SET NULL"))
    metrics: Mapped[dict[str, Any]]
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoundRow(Base):
    __tablename__ = "improvement_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    workflow: Mapped[str | None] = mapped_column(String(200))
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id", ondelete="SET NULL"))
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id", ondelete="SET NULL"))
    metrics: Mapped[dict[str, Any]]
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowProgramRow(Base):
    """One version of a compiled workflow program (eclair.replay): its steps, targets and checks as JSON."""

    __tablename__ = "workflow_programs"
    __table_args__ = (UniqueConstraint("name", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | pending_review
    source: Mapped[str] = mapped_column(Text, default="")  # run:<id> | demonstration:<id> | heal:<run id>
    program: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppMapRow(Base):
    """An app as `eclair explore` mapped it (pages, forms, tables), replaced by each new crawl."""

    __tablename__ = "app_maps"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    base_url: Mapped[str] = mapped_column(Text)
    app_map: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposedTaskRow(Base):
    """A task the explorer proposed for an app, with its intended effect and what became of it."""

    __tablename__ = "proposed_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    app: Mapped[str] = mapped_column(String(200), index=True)
    task: Mapped[dict[str, Any]]  # ProposedTask JSON: text, start URL, intended values, where to check
    split: Mapped[str] = mapped_column(String(10), default="train")  # train | heldout
    run_id: Mapped[str | None] = mapped_column(String(32))
    verified: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
