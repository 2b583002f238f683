"""App maps and proposed tasks of `eclair explore`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eclair.errors import EclairError
from eclair.store.base import StoreBase
from eclair.store.models import AppMapRow, ProposedTaskRow, utcnow


class UnknownApp(EclairError):
    """No app map under that name."""


class ExploreMixin(StoreBase):
    def save_app_map(self, name: str, base_url: str, app_map: dict[str, Any]) -> None:
        """Store (or replace) the map of app `name`."""

        def apply(session: Session) -> None:
            row = session.scalar(select(AppMapRow).where(AppMapRow.name == name))
            if row is None:
                session.add(AppMapRow(name=name, base_url=base_url, app_map=app_map))
            else:
                row.base_url, row.app_map, row.updated_at = base_url, app_map, utcnow()

        self._write(apply, "save app map")

    def get_app_map(self, name: str) -> dict[str, Any]:
        def load(session: Session) -> dict[str, Any] | None:
            row = session.scalar(select(AppMapRow).where(AppMapRow.name == name))
            return dict(row.app_map) if row else None

        found = self._read(load)
        if found is None:
            known = ", ".join(self.list_apps()) or "none yet"
            raise UnknownApp(f"no app map named {name!r} (known: {known}); run `eclair explore URL --name {name}`")
        return found

    def list_apps(self) -> list[str]:
        return self._read(lambda s: [str(n) for n in s.scalars(select(AppMapRow.name).order_by(AppMapRow.name))])

    def replace_proposed_tasks(self, app: str, tasks: list[tuple[dict[str, Any], str]]) -> list[int]:
        """Drop the app's earlier proposals and store these (task JSON, split); returns their ids in order."""

        def apply(session: Session) -> list[int]:
            session.execute(delete(ProposedTaskRow).where(ProposedTaskRow.app == app))
            rows = [ProposedTaskRow(app=app, task=task, split=split) for task, split in tasks]
            session.add_all(rows)
            session.flush()
            return [int(r.id) for r in rows]

        return self._write(apply, "save proposed tasks")

    def list_proposed_tasks(self, app: str, split: str | None = None) -> list[dict[str, Any]]:
        """Each proposal as a dict: id, task, split, run_id, verified."""

        def load(session: Session) -> list[dict[str, Any]]:
            query = select(ProposedTaskRow).where(ProposedTaskRow.app == app).order_by(ProposedTaskRow.id)
            if split:
                query = query.where(ProposedTaskRow.split == split)
            return [
                {"id": r.id, "task": dict(r.task), "split": r.split, "run_id": r.run_id, "verified": r.verified}
                for r in session.scalars(query)
            ]

        return self._read(load)

    def record_attempt(self, proposal_id: int, run_id: str, verified: bool) -> None:
        def apply(session: Session) -> None:
            row = session.get(ProposedTaskRow, proposal_id)
            if row is not None:
                row.run_id, row.verified = run_id, verified

        self._write(apply, "record attempt")
