"""Typed read models the store hands out; rows never leave eclair.store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from eclair.errors import EclairError
from eclair.types import RunStatus, VerdictLabel

DemonstrationSource = Literal["recording", "video", "imported"]
ReviewDecision = Literal["approved", "rejected"]


class UnknownRun(EclairError):
    """A run id that is not in the database."""


class UnknownWorkflow(EclairError):
    """A workflow name that is not in the database."""


class UnknownModelVersion(EclairError):
    """A model version id that is not in the database."""


class CorruptExport(EclairError):
    """A run export file that cannot be read back; nothing was imported."""


class RunInfo(BaseModel):
    id: str
    workflow: str | None = None
    task_text: str
    params: dict[str, Any] = Field(default_factory=dict)
    agent: str = ""
    backend: str = ""
    model: str = ""
    status: RunStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    error: str | None = None
    answer: str | None = None
    trace_dir: Path  # absolute; the database keeps it relative to the traces root
    tokens_in: int = 0
    tokens_out: int = 0
    wall_ms: float = 0.0  # finished - started; while running, so far
    n_steps: int = 0  # distinct step indexes (retried attempts count once)
    n_attempts: int = 0  # step rows, retries included
    label: VerdictLabel | None = None  # combined task verdict (critic "combined", else the last run-level one)
    review: ReviewDecision | None = None  # the latest human review decision, if any
    env: str | None = None  # the task's source, e.g. "miniwob/click-button"
    seed: int | None = None


class WorkflowInfo(BaseModel):
    id: int
    name: str
    description: str = ""
    start_url: str | None = None
    params_schema: dict[str, Any] | None = None
    sop: str | None = None  # the current (latest) SOP text
    sop_version: int = 0  # 0 when there is no SOP yet
    created_at: datetime


class DemonstrationInfo(BaseModel):
    id: str
    workflow: str
    source: DemonstrationSource
    files: list[str] = Field(default_factory=list)
    action_log: list[dict[str, Any]] = Field(default_factory=list)
    created_at: datetime


class ReviewInfo(BaseModel):
    id: int
    run_id: str
    decision: ReviewDecision
    step_labels: dict[int, str] = Field(default_factory=dict)
    note: str = ""
    reviewer: str = ""
    created_at: datetime


class DatasetInfo(BaseModel):
    id: int
    name: str
    kind: str
    path: str
    size: int = 0
    provenance: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime


class ModelVersionInfo(BaseModel):
    id: int
    name: str
    base: str
    adapter_path: str | None = None
    dataset_id: int | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)
    promoted: bool = False
    created_at: datetime


class RoundInfo(BaseModel):
    id: int
    number: int
    workflow: str | None = None
    dataset_id: int | None = None
    model_version_id: int | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)
    promoted: bool = False
    note: str = ""
    created_at: datetime
