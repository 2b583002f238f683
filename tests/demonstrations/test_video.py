"""Screen recordings: key frames (OpenCV, by timestamp, debounced), alignment with an action log, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from eclair.config import Settings
from eclair.demonstrations import (
    BadActionLog,
    DemoAction,
    NoVisionModel,
    UnreadableVideo,
    detect_key_frames,
    ingest,
)
from eclair.store import Store
from tests.demonstrations.openai_double import serve_chat_double

FPS = 10
SCENES = ["Tickets", "New ticket", "Customer: Acme", "Saved"]  # each 1.5 s


def write_video(path: Path) -> Path:
    """6 s at 10 fps: a scene change every 1.5 s, a one-frame flicker at 0.7 s, a spinner during 2.0–2.4 s."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (640, 400))
    assert writer.isOpened()
    for i in range(60):
        scene = i // 15
        image = np.full((400, 640, 3), 245, np.uint8)
        cv2.putText(image, SCENES[scene], (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (20, 20, 20), 3)
        cv2.rectangle(image, (40 + 120 * scene, 220), (140 + 120 * scene, 300), (180, 60, 40), -1)
        if i == 7:
            image[:, :] = 0  # a flicker that reverts at once
        if 20 <= i < 24:
            cv2.circle(image, (560, 80), 30 + 8 * (i - 20), (0, 0, 255), -1)  # moving, then gone again
        writer.write(image)
    writer.release()
    return path


def write_log(path: Path, times: list[float]) -> Path:
    rows = [
        {"t": times[0], "kind": "click", "target": {"role": "link", "name": "New ticket"}},
        {"t": times[1], "kind": "type", "name": "Customer", "role": "textbox", "text": "Acme"},
        {"t": times[2], "type": "mouseup", "name": "Save", "role": "button"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def nothing_written(settings: Settings) -> bool:
    store = Store(settings)
    demo_root = store.traces_root / "demonstrations"
    return store.list_workflows() == [] and (not demo_root.exists() or list(demo_root.iterdir()) == [])


def test_key_frames_at_meaningful_changes_only(tmp_path: Path) -> None:
    video = detect_key_frames(write_video(tmp_path / "demo.avi"))
    assert video.frames_read == 60
    assert [round(k.t_ms) for k in video.key_frames] == [0, 1500, 3000, 4500]  # no flicker, no spinner
    assert video.duration_ms == pytest.approx(5900, abs=1)
    assert all(k.change > 0.0005 for k in video.key_frames)


def test_ingest_with_action_log_aligns_states(settings: Settings, tmp_path: Path) -> None:
    video = write_video(tmp_path / "demo.avi")
    log = write_log(tmp_path / "log.jsonl", [1.2, 2.7, 4.2])
    saved, _ = ingest(settings, video, workflow="ticket-from-video", actions_log=log)
    (demo,) = Store(settings).list_demonstrations("ticket-from-video")
    actions = [DemoAction.model_validate(a) for a in demo.action_log]
    assert [a.describe() for a in actions] == [
        'Click the link "New ticket"',
        'Type "Acme" into the textbox "Customer"',
        'Click the button "Save"',
    ]
    pairs = [(a.before.t, a.after.t) for a in actions if a.before and a.after]
    assert pairs == [(0.0, 1.5), (1.5, 3.0), (3.0, 4.5)]
    assert len(list((saved.folder / "keyframes").glob("*.png"))) == 4
    assert (saved.folder / "video.avi").is_file() and (saved.folder / "actions.jsonl").is_file()


def test_action_log_longer_than_the_video_is_refused(settings: Settings, tmp_path: Path) -> None:
    video = write_video(tmp_path / "demo.avi")
    log = write_log(tmp_path / "other.jsonl", [1.0, 9.0, 31.5])
    with pytest.raises(BadActionLog, match=r"other\.jsonl: its last action is at 31\.5s but demo\.avi lasts 5\.9s"):
        ingest(settings, video, workflow="w", actions_log=log)
    assert nothing_written(settings)
    (tmp_path / "bad.jsonl").write_text('{"kind": "click"}\n')
    with pytest.raises(BadActionLog, match=r"bad\.jsonl:1: no time"):
        ingest(settings, video, workflow="w", actions_log=tmp_path / "bad.jsonl")


def test_unreadable_video_is_one_line_and_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "broken.webm"
    bad.write_bytes(b"this is not a video" * 50)
    with pytest.raises(UnreadableVideo, match=r"broken\.webm: OpenCV") as info:
        ingest(settings, bad, workflow="w", actions_log=write_log(tmp_path / "log.jsonl", [1, 2, 3]))
    assert "\n" not in str(info.value)
    assert nothing_written(settings)


def test_without_log_and_without_vision_model_says_so(settings: Settings, tmp_path: Path) -> None:
    video = write_video(tmp_path / "demo.avi")
    plain = settings.with_overrides(openai_vision=False, openai_base_url="", model="")
    with pytest.raises(NoVisionModel, match="no vision model configured"):
        ingest(plain, video, workflow="w")
    assert nothing_written(settings)


def test_without_log_a_vision_model_infers_actions_pairwise(settings: Settings, tmp_path: Path) -> None:
    video = write_video(tmp_path / "demo.avi")
    answers = [
        json.dumps({"kind": "click", "element_role": "link", "element_name": "New ticket"}),
        json.dumps({"kind": "type", "element_role": "textbox", "element_name": "Customer", "text": "Acme"}),
        json.dumps({"kind": "click", "element_role": "button", "element_name": "Save"}),
    ]
    with serve_chat_double(answers) as (base_url, requests):
        vision = settings.with_overrides(
            backend="openai", openai_base_url=base_url, openai_api_key="test", model="vision-double", openai_vision=True
        )
        saved, _ = ingest(vision, video, workflow="inferred")
    assert len(requests) == 3  # one call per consecutive key-frame pair
    for request in requests:
        parts = request["messages"][-1]["content"]
        assert [p["type"] for p in parts].count("image_url") == 2
    assert [a.describe() for a in saved.manifest.actions] == [
        'Click the link "New ticket"',
        'Type "Acme" into the textbox "Customer"',
        'Click the button "Save"',
    ]
    assert [a.after.t for a in saved.manifest.actions if a.after] == [1.5, 3.0, 4.5]


@pytest.mark.slow
def test_cli_bad_inputs_exit_2_with_one_line(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 100)
    shape = tmp_path / "other.json"
    shape.write_text('{"events": []}')
    env = {"ECLAIR_DATA_DIR": str(settings.data_dir), "ECLAIR_TRACES_DIR": str(settings.traces_dir), "PATH": "/usr/bin"}
    for args in (["ingest", str(bad), "--workflow", "w"], ["ingest", str(shape)], ["sop", "missing-workflow"]):
        done = subprocess.run(
            [sys.executable, "-m", "eclair", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert nothing_written(settings)
