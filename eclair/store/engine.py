"""Engine creation, SQLite tuning, retry on lock contention, and programmatic Alembic upgrades.

SQLite-specific SQL lives only in the connect/begin hooks below; every other statement is portable so any
SQLAlchemy URL (Postgres included) works through `ECLAIR_DB_URL`.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.pool import QueuePool

from eclair.errors import EclairError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "eclair_write"  # execution option: this connection's transaction will write
LOCK_RETRIES = 12
UPGRADE_LOCK_KEY = 0x45C1A1F  # Postgres advisory lock held while a process migrates the schema
T = TypeVar("T")


class DatabaseUnavailable(EclairError):
    """The database URL cannot be parsed, its driver is missing, or the server cannot be reached."""


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def make_engine(url: str, durability: str = "power") -> Engine:
    """Create an engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE writes.

    `durability` "power" commits with synchronous=FULL (survives power loss), "crash" with NORMAL (survives a crash
    of the process, SIGKILL included: WAL keeps every commit in the OS page cache before it returns)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"database URL {url!r} is not a valid SQLAlchemy URL; set ECLAIR_DB_URL to e.g. sqlite:///path/eclair.db"
        ) from None
    is_sqlite = parsed.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Pooled connections skip the per-connect PRAGMAs (about 3x faster writes); forks drop the pool below.
        kwargs["poolclass"] = QueuePool
        kwargs["pool_size"], kwargs["max_overflow"] = 8, 24
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailable(
            f"database URL {safe_url(url)}: driver not installed ({exc}); install it or change ECLAIR_DB_URL"
        ) from None
    if is_sqlite:
        _install_sqlite_hooks(engine, synchronous="NORMAL" if durability == "crash" else "FULL")
    _ENGINES.add(engine)
    return engine


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _forget_pools_after_fork() -> None:
    # A forked child must never reuse its parent's sqlite/socket handles; it opens its own on demand.
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_pools_after_fork)


def _install_sqlite_hooks(engine: Engine, *, synchronous: str = "FULL") -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (so BEGIN IMMEDIATE is possible).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute(f"PRAGMA synchronous = {synchronous}")  # FULL: a committed step survives power loss too
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front: a deferred read→write upgrade fails at once instead of waiting.
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


def with_lock_retry(fn: Callable[[], T], *, what: str = "database operation") -> T:
    """Run `fn`, retrying with jittered backoff while SQLite reports the database locked or busy."""
    delay = 0.05
    for attempt in range(LOCK_RETRIES):
        try:
            return fn()
        except OperationalError as exc:
            if not is_lock_error(exc) or attempt == LOCK_RETRIES - 1:
                raise
            log.debug("%s: database locked, retry %d in %.2fs", what, attempt + 1, delay)
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 2.0)
    raise AssertionError("unreachable")


def unreachable(url: str, exc: BaseException) -> DatabaseUnavailable:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DatabaseUnavailable(
        f"cannot open database {safe_url(url)} ({reason}); check ECLAIR_DB_URL or that the server is running"
    )


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_upgraded: set[str] = set()
_upgrade_lock = threading.Lock()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, url: str, *, force: bool = False) -> str | None:
    """Bring the schema to head; concurrent callers serialise on one write transaction. Returns the head."""
    head = head_revision()
    with _upgrade_lock:
        if url in _upgraded and not force:
            return head
        try:
            if current_revision(engine) != head:

                def _run() -> None:
                    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
                        if conn.dialect.name == "postgresql":
                            # Postgres has no BEGIN IMMEDIATE: serialise concurrent first upgrades on a lock.
                            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK_KEY})")
                        cfg = alembic_config(url)
                        cfg.attributes["connection"] = conn
                        command.upgrade(cfg, "head")

                with_lock_retry(_run, what="schema upgrade")
        except DBAPIError as exc:  # refused connection, bad credentials, "file is not a database", ...
            if is_lock_error(exc):
                raise
            raise unreachable(url, exc) from None
        except CommandError as exc:  # e.g. a schema revision written by a newer eclair
            raise DatabaseUnavailable(
                f"database {safe_url(url)} has a schema this eclair does not know ({exc}); upgrade eclair "
                "or point ECLAIR_DB_URL at another database"
            ) from None
        _upgraded.add(url)
    return head
