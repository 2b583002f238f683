"""Screen recordings: key frames where the screen changed meaningfully, and their alignment with an action log.

Playwright's webm is variable frame rate, so time comes from CAP_PROP_POS_MSEC, never from frame counts.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from eclair.demonstrations.errors import BadActionLog, UnreadableVideo
from eclair.demonstrations.schema import DemoAction, TargetInfo

# FFmpeg would print its own complaint about a broken file on stderr; our one-line error says it instead
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

DIFF_LEVEL = 25  # grey-level change that counts a pixel as changed (ignores codec noise)
CHANGED_FRACTION = 0.0005  # share of changed pixels that makes a change (a typed word is ~0.1%; a caret blink less)
SETTLE_MS = 150.0  # the screen must hold still this long before the change becomes a key frame
LOG_SLACK_S = 1.0  # an action may be logged this long after the last decoded frame


@dataclass
class KeyFrame:
    t_ms: float
    frame_index: int
    change: float  # share of pixels changed against the previous key frame
    image: np.ndarray  # BGR

    def png(self) -> bytes:
        ok, buf = cv2.imencode(".png", self.image)
        if not ok:
            raise RuntimeError("PNG encoding failed")
        return bytes(buf.tobytes())


@dataclass
class _Frame:
    t_ms: float
    index: int
    image: np.ndarray
    grey: np.ndarray

    def key(self, last_key: np.ndarray) -> KeyFrame:
        return KeyFrame(self.t_ms, self.index, _changed(last_key, self.grey), self.image)


@dataclass
class VideoKeyFrames:
    path: Path
    duration_ms: float
    frames_read: int
    key_frames: list[KeyFrame]


def _small_grey(frame: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    scale = 320.0 / max(w, 1)
    small = cv2.resize(frame, (320, max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (3, 3), 0)


def _changed(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(cv2.absdiff(a, b) > DIFF_LEVEL)) / float(a.size)


def detect_key_frames(
    path: Path, *, changed_fraction: float = CHANGED_FRACTION, settle_ms: float = SETTLE_MS
) -> VideoKeyFrames:
    """First frame, then every frame where the screen changed and then held still for `settle_ms` (debounced)."""
    if not path.is_file():
        raise UnreadableVideo(f"{path}: no such file; pass a screen recording (webm, mp4, avi)")
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise UnreadableVideo(f"{path}: OpenCV cannot open this video; convert it to webm or mp4 (e.g. with ffmpeg)")
    key_frames: list[KeyFrame] = []
    last_key: np.ndarray | None = None  # grey of the latest key frame
    prev: np.ndarray | None = None
    run_start: _Frame | None = None  # first frame of the current still run
    candidate: _Frame | None = None  # a still frame that differs from the last key frame, settling
    index = -1
    t_ms = 0.0
    try:
        while True:
            ok, image = cap.read()
            if not ok:
                break
            index += 1
            pos = cap.get(cv2.CAP_PROP_POS_MSEC)
            t_ms = pos if pos > 0 or index == 0 else t_ms  # some containers report 0 for late frames
            frame = _Frame(t_ms, index, image, _small_grey(image))
            if last_key is None or prev is None:
                key_frames.append(KeyFrame(t_ms, index, 1.0, image))
                last_key = prev = frame.grey
                run_start = frame
                continue
            moving = _changed(prev, frame.grey) >= changed_fraction
            prev = frame.grey
            if moving:
                run_start, candidate = frame, None
                continue
            if candidate is None:
                for option in (run_start, frame):
                    if option is not None and _changed(last_key, option.grey) >= changed_fraction:
                        candidate = option
                        break
            if candidate is not None and t_ms - candidate.t_ms >= settle_ms:
                key_frames.append(candidate.key(last_key))
                last_key, candidate = candidate.grey, None
        if candidate is not None and last_key is not None:  # the video ended while a change settled: keep it
            key_frames.append(candidate.key(last_key))
    finally:
        cap.release()
    if index < 0:
        raise UnreadableVideo(f"{path}: OpenCV opened the file but decoded no frames; re-encode it (e.g. with ffmpeg)")
    return VideoKeyFrames(path=path, duration_ms=t_ms, frames_read=index + 1, key_frames=key_frames)


_TIME_KEYS = (("t", 1.0), ("secs_from_start", 1.0), ("time_s", 1.0), ("t_ms", 0.001), ("time_ms", 0.001))


def _action_from_line(raw: dict[str, Any], where: str) -> DemoAction:
    data = dict(raw.get("data", raw)) if isinstance(raw.get("data"), dict) else dict(raw)
    seconds = None
    for key, factor in _TIME_KEYS:
        if isinstance(data.get(key), int | float) and not isinstance(data.get(key), bool):
            seconds = float(data[key]) * factor
            break
    if seconds is None or math.isnan(seconds) or seconds < 0:
        raise BadActionLog(f"{where}: no time for the action; give 't' (seconds from the video's start)")
    kind = str(data.get("kind") or data.get("type") or "").lower()
    kind = {"mouseup": "click", "keystroke": "type", "keypress": "press", "fill": "type"}.get(kind, kind)
    if kind not in {"click", "type", "select", "check", "press", "scroll", "goto", "submit", "upload"}:
        raise BadActionLog(
            f"{where}: unknown action kind {kind!r}; use click, type, select, check, press, scroll or goto"
        )
    target = data.get("target")
    info = (
        TargetInfo.model_validate(target)
        if isinstance(target, dict)
        else TargetInfo(name=str(data.get("name") or data.get("label") or ""), role=str(data.get("role") or ""))
    )
    return DemoAction(
        kind=kind,  # type: ignore[arg-type]
        target=info if (info.name or info.role or info.xpath) else None,
        text=data.get("text") if isinstance(data.get("text"), str) else None,
        key=data.get("key") if isinstance(data.get("key"), str) else None,
        url=data.get("url") if isinstance(data.get("url"), str) else None,
        checked=data.get("checked") if isinstance(data.get("checked"), bool) else None,
        dx=float(data.get("dx") or 0.0),
        dy=float(data.get("dy") or 0.0),
        t=seconds,
    )


def read_action_log(path: Path) -> list[DemoAction]:
    """Parse a JSONL action log (one action per line, each with a time `t` in seconds)."""
    if not path.is_file():
        raise BadActionLog(f"{path}: no such file; pass a JSONL action log")
    actions: list[DemoAction] = []
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadActionLog(f"{path}:{number}: not JSON ({exc.msg}); write one JSON object per line") from None
        if not isinstance(raw, dict):
            raise BadActionLog(f"{path}:{number}: expected a JSON object per line")
        actions.append(_action_from_line(raw, f"{path}:{number}"))
    if not actions:
        raise BadActionLog(f"{path}: the action log is empty; record at least one action")
    for i, action in enumerate(actions):
        action.index = i
    return actions


def check_log_matches(actions: list[DemoAction], video: VideoKeyFrames, log_path: Path) -> None:
    """The log must fit inside the video; a log from another recording is refused, not misaligned."""
    duration_s = video.duration_ms / 1000.0
    latest = max(a.t for a in actions)
    if latest > duration_s + LOG_SLACK_S:
        raise BadActionLog(
            f"{log_path}: its last action is at {latest:.1f}s but {video.path.name} lasts {duration_s:.1f}s; "
            "pass the action log recorded with this video"
        )
    times = [a.t for a in actions]
    if times != sorted(times):
        raise BadActionLog(f"{log_path}: action times go backwards; sort the log by time")


def align(actions: list[DemoAction], key_frames: list[KeyFrame]) -> list[tuple[int, int]]:
    """For each action, (before, after) key-frame indices: the last key frame at or before it, and the last one
    before the next action (or the first after it, when the screen changed only later)."""
    pairs: list[tuple[int, int]] = []
    times = [k.t_ms / 1000.0 for k in key_frames]
    for i, action in enumerate(actions):
        before = max((j for j, t in enumerate(times) if t <= action.t), default=0)
        limit = actions[i + 1].t if i + 1 < len(actions) else math.inf
        inside = [j for j, t in enumerate(times) if action.t < t <= limit]
        after = inside[-1] if inside else before
        pairs.append((before, after))
    return pairs
