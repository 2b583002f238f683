"""The trace store: SQLAlchemy models, Alembic migrations, trace files. Nothing else writes the database."""

from eclair.store.engine import DatabaseUnavailable
from eclair.store.info import (
    CorruptExport,
    DatasetInfo,
    DemonstrationInfo,
    ModelVersionInfo,
    ReviewInfo,
    RoundInfo,
    RunInfo,
    UnknownModelVersion,
    UnknownRun,
    UnknownWorkflow,
    WorkflowInfo,
)
from eclair.store.store import Store

__all__ = [
    "CorruptExport",
    "DatabaseUnavailable",
    "DatasetInfo",
    "DemonstrationInfo",
    "ModelVersionInfo",
    "ReviewInfo",
    "RoundInfo",
    "RunInfo",
    "Store",
    "UnknownModelVersion",
    "UnknownRun",
    "UnknownWorkflow",
    "WorkflowInfo",
]
