"""Versioned workflow programs (compiled by eclair.replay); the store keeps them as JSON and never reads inside."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eclair.store.base import StoreBase, aware
from eclair.store.info import UnknownWorkflow
from eclair.store.models import WorkflowProgramRow, utcnow

PROGRAM_STATUSES = ("active", "pending_review")


class ProgramInfo(BaseModel):
    name: str
    version: int
    status: str
    source: str
    program: dict[str, Any]
    created_at: datetime


class ProgramsMixin(StoreBase):
    def save_program(self, name: str, program: dict[str, Any], *, status: str = "active", source: str = "") -> int:
        """Store the next version of a workflow program; returns its version number (1, 2, ...)."""
        if status not in PROGRAM_STATUSES:
            raise ValueError(f"program status {status!r} is not one of {PROGRAM_STATUSES}")

        def apply(session: Session) -> int:
            latest = session.scalar(select(func.max(WorkflowProgramRow.version)).where(WorkflowProgramRow.name == name))
            version = (latest or 0) + 1
            body = {**program, "name": name, "version": version, "status": status}
            session.add(
                WorkflowProgramRow(
                    name=name, version=version, status=status, source=source, program=body, created_at=utcnow()
                )
            )
            return version

        return self._write(apply, "save workflow program")

    def get_program(self, name: str, version: int | None = None, *, include_pending: bool = False) -> ProgramInfo:
        """One version, or the latest usable one (active; pending review too when asked)."""

        def load(session: Session) -> ProgramInfo:
            query = select(WorkflowProgramRow).where(WorkflowProgramRow.name == name)
            if version is not None:
                query = query.where(WorkflowProgramRow.version == version)
            elif not include_pending:
                query = query.where(WorkflowProgramRow.status == "active")
            row = session.scalars(query.order_by(WorkflowProgramRow.version.desc())).first()
            if row is None:
                which = f" version {version}" if version is not None else ""
                raise UnknownWorkflow(f"no workflow program {name!r}{which}; list them with `eclair workflows list`")
            return _program_info(row)

        return self._read(load, "get workflow program")

    def list_programs(self, name: str | None = None) -> list[ProgramInfo]:
        """Every version of one program, or the latest version of each program."""

        def load(session: Session) -> list[ProgramInfo]:
            query = select(WorkflowProgramRow)
            if name is not None:
                rows = session.scalars(
                    query.where(WorkflowProgramRow.name == name).order_by(WorkflowProgramRow.version)
                )
                return [_program_info(r) for r in rows]
            latest = (
                select(WorkflowProgramRow.name, func.max(WorkflowProgramRow.version).label("v"))
                .group_by(WorkflowProgramRow.name)
                .subquery()
            )
            rows = session.scalars(
                query.join(
                    latest, (WorkflowProgramRow.name == latest.c.name) & (WorkflowProgramRow.version == latest.c.v)
                ).order_by(WorkflowProgramRow.name)
            )
            return [_program_info(r) for r in rows]

        return self._read(load, "list workflow programs")

    def set_program_status(self, name: str, version: int, status: str) -> None:
        """Approve (active) or hold (pending_review) one version."""
        if status not in PROGRAM_STATUSES:
            raise ValueError(f"program status {status!r} is not one of {PROGRAM_STATUSES}")

        def apply(session: Session) -> None:
            row = session.scalars(
                select(WorkflowProgramRow).where(WorkflowProgramRow.name == name, WorkflowProgramRow.version == version)
            ).first()
            if row is None:
                raise UnknownWorkflow(f"no workflow program {name!r} version {version}; see `eclair workflows list`")
            row.status = status
            row.program = {**row.program, "status": status}

        self._write(apply, "set workflow program status")


def _program_info(row: WorkflowProgramRow) -> ProgramInfo:
    created = aware(row.created_at)
    assert created is not None
    return ProgramInfo(
        name=row.name,
        version=row.version,
        status=row.status,
        source=row.source,
        program=dict(row.program),
        created_at=created,
    )
