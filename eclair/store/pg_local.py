"""A throw-away local PostgreSQL server (Debian's binaries) on a temp folder and a free port: tests and benchmarks.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user (via `runuser`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eclair.errors import EclairError

RUN_AS = "postgres"


class PostgresUnavailable(EclairError):
    """No PostgreSQL server binaries here, or the server would not start."""


def find_pg_bin() -> Path | None:
    """The folder with `initdb` and `postgres`: $ECLAIR_PG_BIN, PATH, else Debian's /usr/lib/postgresql/N/bin."""
    explicit = os.environ.get("ECLAIR_PG_BIN")
    if explicit:
        return Path(explicit)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalPostgres:
    """A running server: `url(db)` gives a psycopg SQLAlchemy URL; `create_database()` a fresh, empty database."""

    port: int
    data_dir: Path
    process: subprocess.Popen[bytes]
    user: str = RUN_AS

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "eclair") -> str:
        """Create an empty database with a unique name and return its URL."""
        import psycopg

        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *argv] if os.geteuid() == 0 else argv


@contextlib.contextmanager
def local_postgres(*, fsync: bool = True, timeout_s: float = 30.0) -> Iterator[LocalPostgres]:
    """Start a fresh server (initdb, trust auth on 127.0.0.1 only), yield it, stop it and delete its folder."""
    pg_bin = find_pg_bin()
    if pg_bin is None or not (pg_bin / "postgres").exists():
        raise PostgresUnavailable("PostgreSQL is not installed; run 'make setup' (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="eclair-pg-"))
    data = root / "data"
    user = RUN_AS if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    if os.geteuid() == 0:
        shutil.chown(root, RUN_AS)
    init = subprocess.run(
        _as_server_user(
            [str(pg_bin / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8", "--no-sync"]
        ),
        capture_output=True,
        text=True,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
    port = free_port()
    settings = [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        f"unix_socket_directories={root}",
        "-c",
        "max_connections=200",
    ]
    if not fsync:
        settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed below, after the server exits
    if os.geteuid() == 0:
        shutil.chown(root / "server.log", RUN_AS)
    process = subprocess.Popen(
        _as_server_user([str(pg_bin / "postgres"), "-D", str(data), "-p", str(port), *settings]),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = LocalPostgres(port=port, data_dir=data, process=process, user=user)
    try:
        _wait_ready(server, timeout_s, root / "server.log")
        yield server
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: LocalPostgres, timeout_s: float, log_path: Path) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    while True:
        if server.process.poll() is not None:
            raise PostgresUnavailable(f"postgres exited at start: {log_path.read_text(errors='replace')[-400:]}")
        try:
            with psycopg.connect(f"host=127.0.0.1 port={server.port} user={server.user} dbname=postgres") as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"postgres did not accept connections within {timeout_s:g}s") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    # SIGINT is postgres's "fast shutdown": roll back clients, checkpoint, exit.
    if process.poll() is None:
        os.killpg(process.pid, 2)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)
