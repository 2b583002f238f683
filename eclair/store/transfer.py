"""Portable run export (JSON lines: run, steps, verdicts, reviews, file references) and all-or-nothing import."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from eclair.store.base import StoreBase, aware
from eclair.store.info import CorruptExport
from eclair.store.models import Base, ReviewRow, RunRow, StepRow, VerdictRow
from eclair.store.runs import new_run_id
from eclair.types import ActionResult, Decision, Observation, Task, Verdict

FORMAT = "eclair-run"
FORMAT_VERSION = 1
_DATETIME_COLUMNS = {"created_at", "started_at", "finished_at", "heartbeat_at"}


def _row_dict(row: Base, skip: tuple[str, ...] = ("id", "run_id")) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in row.__table__.columns:
        if column.key in skip:
            continue
        value = getattr(row, column.key)
        values[column.key] = aware(value).isoformat() if isinstance(value, datetime) else value  # type: ignore[union-attr]
    return values


def _parse_row(model: type[Base], data: dict[str, Any], **extra: Any) -> Any:
    known = {c.key for c in model.__table__.columns} - {"id", "run_id"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    values = {k: (datetime.fromisoformat(v) if k in _DATETIME_COLUMNS and v else v) for k, v in data.items()}
    return model(**values, **extra)


class TransferMixin(StoreBase):
    def export_run(self, run_id: str, out: Path) -> Path:
        """Write the run, its steps, verdicts and reviews to `out` as JSON lines; files stay references."""

        def load(session: Session) -> list[dict[str, Any]]:
            run = self._run_row(session, run_id)
            steps = session.scalars(
                select(StepRow).where(StepRow.run_id == run_id).order_by(StepRow.step_index, StepRow.attempt)
            ).all()
            verdicts = session.scalars(select(VerdictRow).where(VerdictRow.run_id == run_id).order_by(VerdictRow.id))
            reviews = session.scalars(select(ReviewRow).where(ReviewRow.run_id == run_id).order_by(ReviewRow.id))
            body = (
                [{"type": "step", **_row_dict(s)} for s in steps]
                + [{"type": "verdict", **_row_dict(v)} for v in verdicts]
                + [{"type": "review", **_row_dict(r)} for r in reviews]
            )
            header = {
                "type": "run",
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "id": run.id,
                "traces_root": str(self.traces_root),
                "records": len(body),
                "files": _run_files(self.traces_root, run.trace_dir),  # trace.zip, video, downloads, step files
                "run": _row_dict(run, skip=("id",)),
            }
            return [header, *body]

        records = self._read(load, "export run")
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        return out

    def import_run(self, path: Path) -> str:
        """Import an export in one transaction; returns the run id (a new one if the id is taken).

        Any problem (unreadable, truncated, malformed record) raises CorruptExport and imports nothing.
        """
        path = Path(path)
        header, body = _read_export(path)

        def apply(session: Session) -> str:
            run_id = header["id"]
            if session.get(RunRow, run_id) is not None:
                run_id = new_run_id()
            try:
                session.add(_parse_row(RunRow, header["run"], id=run_id))
                session.flush()
                for lineno, record in body:
                    record = dict(record)  # a lock retry replays this transaction
                    kind = record.pop("type")
                    model = {"step": StepRow, "verdict": VerdictRow, "review": ReviewRow}[kind]
                    session.add(_parse_row(model, record, run_id=run_id))
                    try:
                        session.flush()
                    except (IntegrityError, StatementError) as exc:
                        raise CorruptExport(
                            f"{path}: line {lineno}: {_first_line(exc)}; nothing was imported"
                        ) from None
            except (TypeError, ValueError) as exc:
                raise CorruptExport(f"{path}: invalid record ({exc}); nothing was imported") from None
            except (IntegrityError, StatementError) as exc:
                raise CorruptExport(f"{path}: invalid run record ({_first_line(exc)}); nothing was imported") from None
            return run_id

        return self._write(apply, "import run")


def _run_files(traces_root: Path, trace_dir: str) -> list[str]:
    folder = traces_root / trace_dir
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(traces_root)) for p in folder.rglob("*") if p.is_file())


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _read_export(path: Path) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]]]:
    """Parse and validate every line before touching the database."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CorruptExport(f"{path}: no such file; pass a file written by `eclair runs export`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptExport(f"{path}: cannot read it ({exc}); pass a file written by `eclair runs export`") from None
    records: list[tuple[int, dict[str, Any]]] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorruptExport(f"{path}: line {lineno} is not JSON ({exc.msg}); nothing was imported") from None
        if not isinstance(record, dict):
            raise CorruptExport(f"{path}: line {lineno} is not a JSON object; nothing was imported")
        records.append((lineno, record))
    if not records or records[0][1].get("type") != "run" or records[0][1].get("format") != FORMAT:
        raise CorruptExport(f"{path}: not an eclair run export (no header line); nothing was imported")
    header, body = records[0][1], records[1:]
    if header.get("version") != FORMAT_VERSION:
        raise CorruptExport(f"{path}: export format version {header.get('version')} is not supported")
    if header.get("records") != len(body):
        raise CorruptExport(
            f"{path}: expected {header.get('records')} records after the header, found {len(body)} "
            "(truncated?); nothing was imported"
        )
    if not isinstance(header.get("id"), str) or not isinstance(header.get("run"), dict):
        raise CorruptExport(f"{path}: the header has no run; nothing was imported")
    for lineno, record in body:
        try:
            _validate_record(record)
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise CorruptExport(
                f"{path}: line {lineno}: bad {record.get('type')} ({reason}); nothing was imported"
            ) from None
    try:
        Task.model_validate(header["run"]["task"])
    except (ValidationError, KeyError) as exc:
        raise CorruptExport(
            f"{path}: the run's task is invalid ({str(exc).splitlines()[0]}); nothing was imported"
        ) from None
    return header, body


def _validate_record(record: dict[str, Any]) -> None:
    """Typed checks of the JSON payloads, so a readable but wrong record is refused before any insert."""
    kind = record.get("type")
    if kind == "step":
        Observation.model_validate(record["observation"])
        Decision.model_validate(record["decision"])
        if record.get("result") is not None:
            ActionResult.model_validate(record["result"])
        if not isinstance(record["step_index"], int):
            raise ValueError("step_index must be an integer")
    elif kind == "verdict":
        Verdict.model_validate({k: record[k] for k in ("label", "score", "reason", "critic")})
    elif kind == "review":
        if record["decision"] not in ("approved", "rejected"):
            raise ValueError(f"decision {record['decision']!r}")
    else:
        raise ValueError(f"unknown record type {kind!r}")
