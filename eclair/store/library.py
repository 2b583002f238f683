"""Workflows with versioned SOPs, demonstrations, reviews, datasets, model versions and improvement rounds."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eclair.store.base import StoreBase, aware
from eclair.store.info import (
    DatasetInfo,
    DemonstrationInfo,
    DemonstrationSource,
    ModelVersionInfo,
    ReviewDecision,
    ReviewInfo,
    RoundInfo,
    UnknownModelVersion,
    UnknownWorkflow,
    WorkflowInfo,
)
from eclair.store.models import (
    DatasetRow,
    DemonstrationRow,
    ModelVersionRow,
    ReviewRow,
    RoundRow,
    SopVersionRow,
    WorkflowRow,
    utcnow,
)

DEMONSTRATION_SOURCES = ("recording", "video", "imported")
REVIEW_DECISIONS = ("approved", "rejected")


class LibraryMixin(StoreBase):
    # ---- workflows and SOPs ------------------------------------------------------------------------------------
    def save_workflow(
        self, name: str, description: str, *, start_url: str | None = None, params_schema: dict[str, Any] | None = None
    ) -> WorkflowInfo:
        """Create the workflow, or update its description, start URL and parameter schema."""

        def apply(session: Session) -> None:
            row = session.scalars(select(WorkflowRow).where(WorkflowRow.name == name)).first()
            if row is None:
                session.add(
                    WorkflowRow(
                        name=name,
                        description=description,
                        start_url=start_url,
                        params_schema=params_schema,
                        created_at=utcnow(),
                    )
                )
            else:
                row.description, row.start_url, row.params_schema = description, start_url, params_schema

        self._write(apply, "save workflow")
        info = self.get_workflow(name)
        assert info is not None
        return info

    def get_workflow(self, name: str) -> WorkflowInfo | None:
        def load(session: Session) -> WorkflowInfo | None:
            row = session.scalars(select(WorkflowRow).where(WorkflowRow.name == name)).first()
            return _workflow_info(session, row) if row else None

        return self._read(load, "get workflow")

    def list_workflows(self) -> list[WorkflowInfo]:
        def load(session: Session) -> list[WorkflowInfo]:
            return [_workflow_info(session, r) for r in session.scalars(select(WorkflowRow).order_by(WorkflowRow.name))]

        return self._read(load, "list workflows")

    def set_sop(self, name: str, text: str) -> int:
        """Store a new SOP version for the workflow; returns its version number (1, 2, ...)."""

        def apply(session: Session) -> int:
            workflow = _workflow_row(session, name)
            latest = session.scalar(
                select(func.max(SopVersionRow.version)).where(SopVersionRow.workflow_id == workflow.id)
            )
            version = (latest or 0) + 1
            session.add(SopVersionRow(workflow_id=workflow.id, version=version, text=text, created_at=utcnow()))
            return version

        return self._write(apply, "set sop")

    def get_sop(self, name: str, version: int | None = None) -> str | None:
        """The latest SOP text (or a given version); None when the workflow has none."""

        def load(session: Session) -> str | None:
            workflow = session.scalars(select(WorkflowRow).where(WorkflowRow.name == name)).first()
            if workflow is None:
                return None
            query = select(SopVersionRow).where(SopVersionRow.workflow_id == workflow.id)
            if version is not None:
                query = query.where(SopVersionRow.version == version)
            row = session.scalars(query.order_by(SopVersionRow.version.desc())).first()
            return row.text if row else None

        return self._read(load, "get sop")

    # ---- demonstrations ----------------------------------------------------------------------------------------
    def add_demonstration(
        self, workflow: str, *, source: DemonstrationSource, action_log: list[dict[str, Any]], files: list[str]
    ) -> str:
        """Record a demonstration of a saved workflow; `files` are paths relative to the traces root."""
        if source not in DEMONSTRATION_SOURCES:
            raise ValueError(f"demonstration source must be one of {DEMONSTRATION_SOURCES}, not {source!r}")
        demo_id = uuid.uuid4().hex[:10]

        def apply(session: Session) -> None:
            row = _workflow_row(session, workflow)
            session.add(
                DemonstrationRow(
                    id=demo_id,
                    workflow_id=row.id,
                    source=source,
                    files=[str(f) for f in files],
                    action_log=list(action_log),
                    created_at=utcnow(),
                )
            )

        self._write(apply, "add demonstration")
        return demo_id

    def list_demonstrations(self, workflow: str) -> list[DemonstrationInfo]:
        def load(session: Session) -> list[DemonstrationInfo]:
            row = _workflow_row(session, workflow)
            demos = session.scalars(
                select(DemonstrationRow)
                .where(DemonstrationRow.workflow_id == row.id)
                .order_by(DemonstrationRow.created_at)
            )
            return [
                DemonstrationInfo(
                    id=d.id,
                    workflow=workflow,
                    source=d.source,  # type: ignore[arg-type]
                    files=d.files,
                    action_log=d.action_log,
                    created_at=aware(d.created_at),  # type: ignore[arg-type]
                )
                for d in demos
            ]

        return self._read(load, "list demonstrations")

    # ---- reviews -----------------------------------------------------------------------------------------------
    def add_review(
        self,
        run_id: str,
        decision: ReviewDecision,
        *,
        step_labels: dict[int, str] | None = None,
        note: str = "",
        reviewer: str = "",
    ) -> int:
        """A person's approval or rejection of a run, with optional per-step labels; it overrides critics."""
        if decision not in REVIEW_DECISIONS:
            raise ValueError(f"review decision must be one of {REVIEW_DECISIONS}, not {decision!r}")

        def apply(session: Session) -> int:
            self._run_row(session, run_id)
            row = ReviewRow(
                run_id=run_id,
                decision=decision,
                step_labels={str(k): v for k, v in (step_labels or {}).items()},
                note=note,
                reviewer=reviewer,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return row.id

        return self._write(apply, "add review")

    def get_reviews(self, run_id: str) -> list[ReviewInfo]:
        def load(session: Session) -> list[ReviewInfo]:
            self._run_row(session, run_id)
            rows = session.scalars(select(ReviewRow).where(ReviewRow.run_id == run_id).order_by(ReviewRow.id))
            return [_review_info(r) for r in rows]

        return self._read(load, "get reviews")

    # ---- datasets, model versions, rounds ----------------------------------------------------------------------
    def add_dataset(self, name: str, kind: str, path: str, size: int, provenance: dict[str, Any]) -> int:
        row = DatasetRow(name=name, kind=kind, path=str(path), size=size, provenance=provenance, created_at=utcnow())
        return self._write(lambda s: _insert(s, row), "add dataset")

    def list_datasets(self) -> list[DatasetInfo]:
        def load(session: Session) -> list[DatasetInfo]:
            rows = session.scalars(select(DatasetRow).order_by(DatasetRow.id))
            return [DatasetInfo.model_validate(_fields(r, aware(r.created_at))) for r in rows]

        return self._read(load, "list datasets")

    def add_model_version(
        self,
        name: str,
        *,
        base: str,
        adapter_path: str | None,
        dataset_id: int | None,
        metrics: dict[str, Any],
        promoted: bool = False,
    ) -> int:
        def apply(session: Session) -> int:
            row = ModelVersionRow(
                name=name,
                base=base,
                adapter_path=str(adapter_path) if adapter_path is not None else None,
                dataset_id=dataset_id,
                metrics=metrics,
                promoted=False,
                created_at=utcnow(),
            )
            version_id = _insert(session, row)
            if promoted:
                _promote(session, version_id)
            return version_id

        return self._write(apply, "add model version")

    def promote(self, model_version_id: int) -> None:
        """Make this model version the promoted one (exactly one is promoted at a time)."""
        self._write(lambda s: _promote(s, model_version_id), "promote")

    def promoted_model(self) -> ModelVersionInfo | None:
        def load(session: Session) -> ModelVersionInfo | None:
            row = session.scalars(select(ModelVersionRow).where(ModelVersionRow.promoted.is_(True))).first()
            return ModelVersionInfo.model_validate(_fields(row, aware(row.created_at))) if row else None

        return self._read(load, "promoted model")

    def list_model_versions(self) -> list[ModelVersionInfo]:
        def load(session: Session) -> list[ModelVersionInfo]:
            rows = session.scalars(select(ModelVersionRow).order_by(ModelVersionRow.id))
            return [ModelVersionInfo.model_validate(_fields(r, aware(r.created_at))) for r in rows]

        return self._read(load, "list model versions")

    def add_round(
        self,
        *,
        metrics: dict[str, Any],
        workflow: str | None = None,
        dataset_id: int | None = None,
        model_version_id: int | None = None,
        promoted: bool = False,
        note: str = "",
    ) -> int:
        """Log one improvement round (success, pass@K, unique successes, critic precision ... in `metrics`)."""

        def apply(session: Session) -> int:
            number = (session.scalar(select(func.max(RoundRow.number))) or 0) + 1
            row = RoundRow(
                number=number,
                workflow=workflow,
                dataset_id=dataset_id,
                model_version_id=model_version_id,
                metrics=metrics,
                promoted=promoted,
                note=note,
                created_at=utcnow(),
            )
            return _insert(session, row)

        return self._write(apply, "add round")

    def list_rounds(self) -> list[RoundInfo]:
        def load(session: Session) -> list[RoundInfo]:
            rows = session.scalars(select(RoundRow).order_by(RoundRow.number))
            return [RoundInfo.model_validate(_fields(r, aware(r.created_at))) for r in rows]

        return self._read(load, "list rounds")


def _promote(session: Session, model_version_id: int) -> None:
    if session.get(ModelVersionRow, model_version_id) is None:
        raise UnknownModelVersion(f"no model version {model_version_id} in the database; check the id")
    session.execute(update(ModelVersionRow).values(promoted=ModelVersionRow.id == model_version_id))


def _insert(session: Session, row: Any) -> int:
    session.add(row)
    session.flush()
    return int(row.id)


def _fields(row: Any, created_at: Any) -> dict[str, Any]:
    values = {c.key: getattr(row, c.key) for c in row.__table__.columns}
    values["created_at"] = created_at
    return values


def _workflow_row(session: Session, name: str) -> WorkflowRow:
    row = session.scalars(select(WorkflowRow).where(WorkflowRow.name == name)).first()
    if row is None:
        raise UnknownWorkflow(f"no workflow named {name!r}; create it first (eclair demonstrations / save_workflow)")
    return row


def _workflow_info(session: Session, row: WorkflowRow) -> WorkflowInfo:
    sop = session.scalars(
        select(SopVersionRow).where(SopVersionRow.workflow_id == row.id).order_by(SopVersionRow.version.desc())
    ).first()
    return WorkflowInfo(
        id=row.id,
        name=row.name,
        description=row.description,
        start_url=row.start_url,
        params_schema=row.params_schema,
        sop=sop.text if sop else None,
        sop_version=sop.version if sop else 0,
        created_at=aware(row.created_at),  # type: ignore[arg-type]
    )


def _review_info(row: ReviewRow) -> ReviewInfo:
    return ReviewInfo(
        id=row.id,
        run_id=row.run_id,
        decision=row.decision,  # type: ignore[arg-type]
        step_labels={int(k): v for k, v in row.step_labels.items()},
        note=row.note,
        reviewer=row.reviewer,
        created_at=aware(row.created_at),  # type: ignore[arg-type]
    )
