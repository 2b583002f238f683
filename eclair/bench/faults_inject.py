"""The faults `eclair bench faults` injects: each is a real event, not a mocked exception.

A browser crash kills the Chromium process; a page crash kills the page's renderer process; a network
abort fails every request of the browser context; a locked database is a second connection holding the write lock;
a full disk is a small tmpfs under the traces folder filled to the last byte.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

LOCK_HELD_S = 4.0  # well under the store's busy timeout (30 s): the run must wait, not fail


def _our_chromium() -> dict[int, tuple[int, bytes, int]]:
    """Chromium processes under this process: pid -> (parent pid, command line, start time in clock ticks)."""
    table: dict[int, tuple[int, str, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(rest[1]), name, int(rest[19]))  # ppid is field 4, starttime field 22

    ours = {}
    for pid, (parent, name, started) in table.items():
        if "chrom" in name.lower() and _descends(pid, os.getpid(), table):
            with contextlib.suppress(OSError):
                ours[pid] = (parent, Path(f"/proc/{pid}/cmdline").read_bytes(), started)
    return ours


def _descends(pid: int, ancestor: int, table: Mapping[int, tuple[Any, ...]]) -> bool:
    """Whether `ancestor` is above `pid` in `table` (pid -> (parent pid, ...))."""
    while pid in table and pid > 1:
        pid = table[pid][0]
        if pid == ancestor:
            return True
    return False


def chromium_pid(ours: dict[int, tuple[int, bytes, int]] | None = None) -> int | None:
    """The Chromium browser process this process started last: the faulted run's own. An older one (a test
    session's shared browser) is left alone; its renderers and helpers are its children."""
    ours = _our_chromium() if ours is None else ours
    browsers = [pid for pid, (parent, _, _) in ours.items() if parent not in ours]
    return max(browsers, key=lambda pid: (ours[pid][2], pid)) if browsers else None


def kill_browser() -> None:
    pid = chromium_pid()
    if pid is None:
        raise RuntimeError("no Chromium process under this one to kill (a remote browser?)")
    os.kill(pid, signal.SIGKILL)


def crash_page() -> None:
    """The page's renderer process dies (SIGKILL): what a renderer crash is. The browser itself stays up."""
    ours = _our_chromium()
    browser = chromium_pid(ours)
    renderers = [
        pid
        for pid, (_, cmd, _) in ours.items()
        if b"--type=renderer" in cmd and browser and _descends(pid, browser, ours)
    ]
    if not renderers:
        raise RuntimeError("no Chromium renderer process under this one to crash")
    for pid in renderers:
        os.kill(pid, signal.SIGKILL)


def abort_network(page: Any) -> None:
    page.context.route("**/*", lambda route: route.abort("failed"))


def hold_sqlite_lock(db: Path, seconds: float = LOCK_HELD_S) -> Callable[[], None]:
    """Another connection takes the database's exclusive lock and keeps it `seconds` (from a thread)."""

    def fault() -> None:
        conn = sqlite3.connect(db, timeout=30, check_same_thread=False, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")

        def release() -> None:
            time.sleep(seconds)
            conn.execute("ROLLBACK")
            conn.close()

        threading.Thread(target=release, name="fault-sqlite-lock", daemon=True).start()

    return fault


def hold_postgres_lock(url: str, seconds: float = LOCK_HELD_S) -> Callable[[], None]:
    """Another session locks the runs and steps tables (ACCESS EXCLUSIVE: no reads either) for `seconds`."""

    def fault() -> None:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        conn.execute("LOCK TABLE runs, steps IN ACCESS EXCLUSIVE MODE")

        def release() -> None:
            time.sleep(seconds)
            conn.rollback()
            conn.close()

        threading.Thread(target=release, name="fault-pg-lock", daemon=True).start()

    return fault


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "16m") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder` (needs root), unmounted afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        raise PermissionError(f"cannot mount a tmpfs on {folder}: {mounted.stderr.decode().strip()} (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill_disk(folder: Path) -> Path:
    """Write a ballast file until the file system says ENOSPC; returns it (delete it to free the space)."""
    ballast = folder / "ballast.bin"
    chunk = b"\0" * (1 << 16)
    with open(ballast, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    with contextlib.suppress(OSError), open(ballast, "ab", buffering=0) as fh:  # the last bytes of the last block
        while fh.write(b"\0"):
            pass
    return ballast
