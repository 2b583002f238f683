"""`eclair ingest`: a screen recording (key frames + action log or a vision model) or an ECLAIR trace JSON."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.demonstrations.eclair_trace import parse_trace, stage_trace_files
from eclair.demonstrations.errors import DemonstrationError
from eclair.demonstrations.saving import SavedDemonstration, commit_demonstration, discard_staging, new_staging_dir
from eclair.demonstrations.schema import DemonstrationManifest, PageState
from eclair.demonstrations.video import align, check_log_matches, detect_key_frames, read_action_log
from eclair.demonstrations.vision import infer_actions, vision_backend

log = logging.getLogger(__name__)


def ingest(
    settings: Settings,
    path: Path,
    *,
    workflow: str | None = None,
    actions_log: Path | None = None,
    store: Any = None,
    backend: Any = None,
) -> tuple[SavedDemonstration, str | None]:
    """Import `path` (a trace .json or a video) as a Demonstration; returns it and the SOP version set, if any."""
    from eclair.store import Store

    if path.suffix.lower() == ".json":
        if actions_log is not None:
            raise DemonstrationError(f"{path}: --actions is for videos; a trace JSON carries its own actions")
        parsed = parse_trace(path, workflow=workflow)
        store = store or Store(settings)
        staging = new_staging_dir(store.traces_root)
        try:
            stage_trace_files(parsed, staging)
            saved = commit_demonstration(store, staging, parsed.manifest)
        except BaseException:
            discard_staging(staging)
            raise
        sop_version = str(store.set_sop(saved.workflow, parsed.sop)) if parsed.sop else None
        return saved, sop_version
    if not workflow:
        raise DemonstrationError(f"{path}: a video needs --workflow NAME to file the demonstration under")
    return ingest_video(settings, path, workflow=workflow, actions_log=actions_log, store=store, backend=backend), None


def ingest_video(
    settings: Settings,
    path: Path,
    *,
    workflow: str,
    actions_log: Path | None = None,
    store: Any = None,
    backend: Any = None,
) -> SavedDemonstration:
    """Key frames from the video; actions from the log (aligned by time) or inferred pairwise by a vision model."""
    from eclair.store import Store

    video = detect_key_frames(path)
    if actions_log is not None:
        actions = read_action_log(actions_log)
        check_log_matches(actions, video, actions_log)
    else:
        backend = backend or vision_backend(settings, str(path))
        actions = infer_actions(video.key_frames, backend)
        if not actions:
            raise DemonstrationError(f"{path}: the vision model found no actions between the key frames")
    store = store or Store(settings)
    staging = new_staging_dir(store.traces_root)
    try:
        names = []
        (staging / "keyframes").mkdir()
        for i, key in enumerate(video.key_frames):
            name = f"keyframes/key-{i:03d}.png"
            (staging / name).write_bytes(key.png())
            names.append(name)

        def state(i: int) -> PageState:
            return PageState(screenshot=names[i], t=video.key_frames[i].t_ms / 1000.0)

        if actions_log is not None:
            for action, (before, after) in zip(actions, align(actions, video.key_frames), strict=True):
                action.before, action.after = state(before), state(after)
        else:
            times = [k.t_ms / 1000.0 for k in video.key_frames]
            for action in actions:
                after = times.index(action.t)
                action.before, action.after = state(max(0, after - 1)), state(after)
        shutil.copyfile(path, staging / f"video{path.suffix.lower()}")
        if actions_log is not None:
            shutil.copyfile(actions_log, staging / "actions.jsonl")
        manifest = DemonstrationManifest(
            workflow=workflow,
            source="video",
            actions=actions,
            initial=state(0),
            video=f"video{path.suffix.lower()}",
            origin=str(path),
            extra={"duration_s": video.duration_ms / 1000.0, "frames": video.frames_read, "key_frames": len(names)},
        )
        return commit_demonstration(store, staging, manifest)
    except BaseException:
        discard_staging(staging)
        raise
