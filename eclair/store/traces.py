"""The trace-directory layout: `traces/<run-id>/step-NNN.{json,png}`; files are fsynced before rows commit."""

from __future__ import annotations

import os
from pathlib import Path


def step_stem(index: int, attempt: int) -> str:
    """`step-003` for a first attempt, `step-003-a1` for its first retry (so retries never overwrite)."""
    return f"step-{index:03d}" if attempt == 0 else f"step-{index:03d}-a{attempt}"


def write_durable(files: dict[Path, bytes], *, fsync: bool = True) -> None:
    """Write each file atomically and flush it to disk (temp file, fsync, rename), then fsync each folder once.

    `fsync=False` (durability "crash") keeps the atomic rename but leaves flushing to the OS: the files survive a
    crash of the process, not a power loss."""
    folders = []
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                if fsync:
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError:  # e.g. the disk is full: leave no half-written temp file behind
            tmp.unlink(missing_ok=True)
            raise
        if path.parent not in folders:
            folders.append(path.parent)
    for folder in folders if fsync else []:
        fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some platforms cannot open folders; the rename is still atomic there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
