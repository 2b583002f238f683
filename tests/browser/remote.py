"""Start and stop the remote browsers the tests connect to: a `playwright run-server` and a Chromium with CDP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from eclair.browser.launch import LAUNCH_ARGS

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


def start_run_server(port: int, *, unsafe: bool = True, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`python -m playwright run-server` in its own process group: the Python wrapper runs the Node driver as a
    child that outlives a plain terminate()."""
    args = [sys.executable, "-m", "playwright", "run-server", "--port", str(port), "--host", "127.0.0.1"]
    return subprocess.Popen(
        [*args, "--unsafe"] if unsafe else args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )


def start_debugging_chromium(port: int, profile: Path) -> subprocess.Popen[bytes]:
    """Debian's Chromium with eclair's launch flags, listening for CDP on `port`, in its own process group."""
    return subprocess.Popen(
        [
            CHROMIUM,
            "--headless=new",
            *LAUNCH_ARGS,
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's whole group (server, driver, browsers), then SIGKILL whatever of it is left."""
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass
    time.sleep(0.5)  # the group's other members exit on the same SIGTERM
    _signal_group(proc.pid, signal.SIGKILL)
    proc.wait(timeout=15)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass
