"""Template databases built once, and the apps' Django servers run as local subprocesses on free ports.

A template is a migrated and seeded SQLite file, cached under the data dir by a key of the project's source and
the installed apps' versions. Each server owns a live copy of it; `reset()` copies the template over that copy
(Django keeps no connection open between requests and the cache is off, so the swap is seen at once).
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from eclair.errors import EclairError

PACKAGE_DIR = Path(__file__).resolve().parent
APP_DISTRIBUTIONS = {"wagtail_cms": ("wagtail", "django"), "oscar_shop": ("django-oscar", "django")}
READY_TIMEOUT_S = 90.0
DB_SOURCES = ("settings.py", "models.py", "seed.py", "data.py")  # what the template DB is built from


class RealAppUnavailable(EclairError):
    """A real app is not installed or its server did not start."""


@dataclass(frozen=True)
class Template:
    db: Path
    facts: dict  # type: ignore[type-arg]  # what the seeder reported (session keys)


def cache_dir() -> Path:
    override = os.environ.get("REALAPPS_CACHE")
    if override:
        return Path(override)
    from eclair.config import load_settings

    return load_settings().data_dir / "realapps"


def _versions(project: str) -> str:
    found = []
    for dist in APP_DISTRIBUTIONS[project]:
        try:
            found.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            raise RealAppUnavailable(
                f"{dist} is not installed; install the real apps with: pip install -e '.[realapps]'"
            ) from None
    return ",".join(found)


def _source_key(project: str, *, schema_only: bool = False) -> str:
    """A hash of what the DB depends on: apps' versions, settings and models, and (unless schema_only) the seed."""
    digest = hashlib.sha256(_versions(project).encode())
    shared = [PACKAGE_DIR / "settings_base.py", PACKAGE_DIR / "sessions.py"]
    for path in shared + sorted((PACKAGE_DIR / project).rglob("*.py")):
        if "__pycache__" in path.parts or not (path.name in DB_SOURCES or path.parent.name == "migrations"):
            continue
        if schema_only and path.name in ("seed.py", "data.py", "sessions.py"):
            continue
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def manage(project: str, args: list[str], db: Path, *, timeout_s: float = 600.0) -> None:
    """Run `python -m realapps.manage PROJECT ARGS` against the DB file `db`; raise with its output on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "realapps.manage", project, *args],
        env=_server_env(db),
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    if done.returncode != 0:
        raise RealAppUnavailable(f"{project} {' '.join(args[:1])} failed: {(done.stderr or done.stdout)[-1500:]}")


def template(project: str) -> Template:
    """The project's migrated + seeded DB, built on first use (a minute or two) and cached; safe across processes."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{project}-{_source_key(project)}"
    db, facts = stem.with_suffix(".sqlite3"), stem.with_suffix(".json")
    with open(stem.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits for the first build instead of racing it
        if not (db.exists() and facts.exists()):
            migrated = folder / f"{project}-schema-{_source_key(project, schema_only=True)}.sqlite3"
            if not migrated.exists():  # migrating takes most of the build; a seed change reuses it
                partial = migrated.with_suffix(".building")
                partial.unlink(missing_ok=True)
                manage(project, ["migrate", "--no-input"], partial)
                partial.replace(migrated)
            building = stem.with_suffix(".building.sqlite3")
            shutil.copyfile(migrated, building)
            manage(project, ["seed", str(facts.with_suffix(".building.json"))], building)
            facts.with_suffix(".building.json").replace(facts)
            building.replace(db)
    return Template(db, json.loads(facts.read_text()))


def _server_env(db: Path) -> dict[str, str]:
    root = str(PACKAGE_DIR.parent)
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "REALAPPS_DB": str(db),
        "REALAPPS_MEDIA": str(db.parent / "media"),
        "PYTHONPATH": f"{root}{os.pathsep}{path}" if path else root,
        "PYTHONUNBUFFERED": "1",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppServer:
    """`manage.py runserver --noreload` for one project on a free port, with its own live copy of the template."""

    def __init__(self, project: str) -> None:
        self.project = project
        self.template = template(project)
        self.workdir = Path(tempfile.mkdtemp(prefix=f"realapps-{project}-"))
        self.db = self.workdir / "live.sqlite3"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        """Put the pristine template back (the server stays up)."""
        for leftover in (self.db.with_name(self.db.name + s) for s in ("-journal", "-wal", "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(self.template.db, self.db)

    def start(self) -> AppServer:
        self.reset()
        self.port = free_port()
        log = open(self.workdir / "server.log", "wb")  # noqa: SIM115  # the child writes it until stopped
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "realapps.manage",
                self.project,
                "runserver",
                "--noreload",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            env=_server_env(self.db),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                break
            try:
                httpx.get(self.base_url + "/static/none", timeout=2.0)
                return
            except httpx.TransportError:
                time.sleep(0.3)
        tail = (self.workdir / "server.log").read_text(errors="replace")[-1500:]
        self.stop()
        raise RealAppUnavailable(f"the {self.project} server did not start on port {self.port}: {tail}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)


class ServerPool:
    """One server per (project, thread): the benchmark's workers each drive their own copy of each app."""

    def __init__(self) -> None:
        self._servers: dict[tuple[str, int], AppServer] = {}
        self._lock = threading.Lock()

    def acquire(self, project: str) -> AppServer:
        """This thread's server for `project`, started if needed, its DB reset to the template."""
        key = (project, threading.get_ident())
        with self._lock:
            server = self._servers.get(key)
        if server is not None and server.process is not None and server.process.poll() is None:
            server.reset()
            return server
        server = AppServer(project).start()
        with self._lock:
            self._servers[key] = server
        return server

    def close(self) -> None:
        with self._lock:
            servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.stop()


POOL = ServerPool()
atexit.register(POOL.close)
