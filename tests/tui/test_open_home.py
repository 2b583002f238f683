"""`eclair` with no arguments opens the TUI in a real pseudo-terminal and quits cleanly on ctrl+q."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time

from eclair.config import Settings


def test_eclair_without_arguments_opens_home_and_quits(settings: Settings, store: object) -> None:
    env = {
        **os.environ,
        "ECLAIR_DATA_DIR": str(settings.data_dir),
        "ECLAIR_TRACES_DIR": str(settings.traces_dir),
        "TERM": "xterm-256color",
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real console script entry point
        os.execve(sys.executable, [sys.executable, "-m", "eclair"], env)
    started, output, first_frame, status = time.monotonic(), b"", None, None
    try:
        while status is None and time.monotonic() - started < 90:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 65536)
                except OSError:  # the child closed the terminal: it is exiting
                    status = os.waitpid(pid, 0)[1]
                    break
            if first_frame is None and b"Recent runs" in output:
                first_frame = time.monotonic() - started
                os.write(fd, b"\x11")  # ctrl+q
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status = code
        if status is None:
            os.kill(pid, signal.SIGKILL)  # never leave a hung TUI behind
            status = os.waitpid(pid, 0)[1]
    finally:
        os.close(fd)
    text = output.decode(errors="replace")
    assert first_frame is not None, text[-2000:]
    assert os.waitstatus_to_exitcode(status) == 0
    assert "Traceback" not in text
    print(f"first frame after {first_frame:.1f}s")
