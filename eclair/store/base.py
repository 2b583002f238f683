"""The store's plumbing: one engine, short write transactions with lock retry, and the traces root."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from eclair.config import ConfigError, Settings
from eclair.store.engine import (
    WRITE_OPTION,
    DatabaseUnavailable,
    make_engine,
    safe_url,
    unreachable,
    upgrade,
    with_lock_retry,
)
from eclair.store.info import UnknownRun
from eclair.store.models import RunRow

log = logging.getLogger(__name__)
T = TypeVar("T")


def aware(value: datetime | None) -> datetime | None:
    """Datetimes come back naive from SQLite; they were written as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class StoreBase:
    """Connects to `settings.database_url`, upgrades the schema on first use and runs transactions."""

    def __init__(self, settings: Settings, *, stale_after_s: float = 30.0, auto_upgrade: bool = True) -> None:
        self.settings = settings
        self.url = settings.database_url
        self.traces_root = Path(settings.traces_dir).expanduser().resolve()
        self.stale_after_s = stale_after_s  # a running run's heartbeat older than this counts as dead
        if settings.durability not in ("power", "crash"):
            raise ConfigError(
                f"durability {settings.durability!r} is not power or crash; set ECLAIR_DURABILITY to one of them"
            )
        self.fsync = settings.durability == "power"
        self._known_runs: set[str] = set()  # runs seen to exist (the store never deletes one)
        try:
            self.engine = make_engine(self.url, settings.durability)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the database folder for {safe_url(self.url)} ({exc}); fix data_dir or ECLAIR_DB_URL"
            ) from None
        self._write_engine = self.engine.execution_options(**{WRITE_OPTION: True})
        if auto_upgrade:
            self.upgrade()

    def upgrade(self, *, force: bool = False) -> str | None:
        """Run Alembic migrations up to head (once per process and URL unless forced); returns the head."""
        return upgrade(self.engine, self.url, force=force)

    def close(self) -> None:
        self.engine.dispose()

    def run_dir(self, run_id: str) -> Path:
        """The absolute trace folder of a run: `<traces root>/<run-id>/`."""
        return self.traces_root / run_id

    def _write(self, fn: Callable[[Session], T], what: str = "write") -> T:
        """Run `fn` in one write transaction (BEGIN IMMEDIATE on SQLite), retried while the database is locked."""

        def attempt() -> T:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                return fn(session)

        return self._guard(lambda: with_lock_retry(attempt, what=what))

    def _read(self, fn: Callable[[Session], T], what: str = "read") -> T:
        def attempt() -> T:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                return fn(session)

        return self._guard(lambda: with_lock_retry(attempt, what=what))

    def _guard(self, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except OperationalError as exc:
            text = str(exc).lower()
            if "unable to open" in text or "could not connect" in text or "connection refused" in text:
                raise unreachable(self.url, exc) from None
            raise

    @staticmethod
    def _run_row(session: Session, run_id: str) -> RunRow:
        row = session.get(RunRow, run_id)
        if row is None:
            raise UnknownRun(f"no run with id {run_id!r}; list runs with `eclair runs list`")
        return row
