"""Playwright trace files that outlive a crash, and the trace.zip made from them afterwards.

Playwright writes a named trace incrementally into the browser's `traces_dir` (`<name>.trace`, `<name>.network`,
`resources/`, `screencast/`) and only zips it at `tracing.stop`. A browser eclair launches gets its own folder under
`<traces>/.live/`, so when the browser or eclair itself dies before `stop`, the files are still on disk and
`salvage` zips them into a trace the viewer opens (cut at the last whole event). Runs holding secrets are not
traced there: a raw file cannot be scrubbed before someone reads it (they keep Playwright's temporary folder, and
their trace is lost in a crash as before). The folder of a browser that closed normally is removed with it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import weakref
import zipfile
from itertools import count
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LIVE = ".live"
_launches = count(1)
_BROWSERS: weakref.WeakKeyDictionary[Any, Path] = weakref.WeakKeyDictionary()
# names of the files a trace event points at: screencast frames and sha1-named resources
_REFERENCE = re.compile(r"page@[0-9a-f]+-\d+\.jpeg|\b[0-9a-f]{40}(?:\.[A-Za-z0-9]+)?\b")


def trace_name(run_id: str) -> str:
    return f"run-{run_id}"


def launch_dir(traces_root: Path) -> Path:
    """A fresh folder for one launched browser's live traces (owner-only), after clearing dead launches' leftovers."""
    live = Path(traces_root).expanduser().resolve() / LIVE
    live.mkdir(parents=True, exist_ok=True, mode=0o700)
    clear_stale(live)
    path = live / f"{os.getpid()}-{next(_launches)}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def remember(browser: Any, path: Path) -> None:
    _BROWSERS[browser] = path


def forget(browser: Any) -> None:
    """The browser closed: every trace it held was stopped or salvaged, so its folder goes."""
    path = _BROWSERS.pop(browser, None)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def live_dir(context: Any) -> Path | None:
    """Where `context`'s browser writes live traces; None for a browser eclair did not launch (remote, persistent)."""
    try:
        browser = context.browser
    except Exception:  # a closed context
        return None
    return _BROWSERS.get(browser) if browser is not None else None


def start(context: Any, run_id: str, *, screenshots: bool, salvageable: bool) -> None:
    """Start tracing `context`; named (and so kept on disk while it runs) when `salvageable`."""
    name = trace_name(run_id) if salvageable and live_dir(context) is not None else None
    context.tracing.start(name=name, screenshots=screenshots, snapshots=True, sources=False)


def discard(context: Any, run_id: str) -> None:
    """After a normal stop the zip holds everything: the run's raw event files go (shared resources stay)."""
    folder = live_dir(context)
    if folder is not None:
        for path in folder.glob(f"{trace_name(run_id)}*"):
            path.unlink(missing_ok=True)


def launch_folders(traces_root: Path, context: Any = None) -> list[Path]:
    """Where a run's raw trace may be: its own browser's folder first, then every launch under `traces_root`."""
    own = live_dir(context) if context is not None else None
    live = Path(traces_root).expanduser().resolve() / LIVE
    others = sorted(p for p in live.glob("*") if p.is_dir() and p != own) if live.is_dir() else []
    return ([own] if own is not None else []) + others


def salvage(folders: list[Path], run_id: str, out: Path) -> bool:
    """Zip the raw trace files of `run_id` (the first of `folders` holding them) into `out`; False when none do.

    The raw files are removed once the zip is whole."""
    name = trace_name(run_id)
    folder = next((f for f in folders if (f / f"{name}.trace").is_file()), None)
    if folder is None:
        return False
    text = _whole_lines((folder / f"{name}.trace").read_bytes())
    network_path = folder / f"{name}.network"
    network = _whole_lines(network_path.read_bytes()) if network_path.exists() else b""
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("trace.trace", text)
        zf.writestr("trace.network", network)
        for ref in sorted(set(_REFERENCE.findall((text + network).decode("utf-8", "replace")))):
            sub = "screencast" if ref.startswith("page@") else "resources"
            if (folder / sub / ref).is_file():
                zf.write(folder / sub / ref, f"{sub}/{ref}")
    partial.replace(out)
    for path in folder.glob(f"{name}*"):
        path.unlink(missing_ok=True)
    log.info("trace of run %s salvaged from %s into %s", run_id, folder, out)
    return True


def _whole_lines(data: bytes) -> bytes:
    """Events are one JSON object per line; a process killed mid-write leaves half a line, which is dropped."""
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


def clear_stale(live: Path) -> None:
    """Remove launch folders whose process is gone and that hold no run's raw trace (nothing left to salvage)."""
    for folder in live.iterdir():
        pid = folder.name.split("-", 1)[0]
        if not folder.is_dir() or not pid.isdigit() or _alive(int(pid)):
            continue
        if not any(folder.glob("*.trace")):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
