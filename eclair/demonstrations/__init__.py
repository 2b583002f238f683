"""eclair.demonstrations: learn a workflow from watching it once.

Record a demonstration in a real browser (`record_demonstration`), ingest a screen recording (`ingest`,
OpenCV key frames aligned with an action log or read by a vision model), import ECLAIR/WONDERBREAD traces,
and write SOPs from demonstrations (`write_sop`, `sop_fidelity`, `task_sop`).
"""

from eclair.demonstrations.errors import (
    BadActionLog,
    BadScript,
    BadTrace,
    DemonstrationError,
    NoDemonstration,
    NoVisionModel,
    UnreadableVideo,
)
from eclair.demonstrations.ingest import ingest, ingest_video
from eclair.demonstrations.merge import RawEvent, merge_events
from eclair.demonstrations.record import record_demonstration
from eclair.demonstrations.saving import SavedDemonstration, load_manifest
from eclair.demonstrations.schema import DemoAction, DemonstrationManifest, PageState, TargetInfo
from eclair.demonstrations.sop import (
    SopResult,
    faithful_steps,
    format_sop,
    generalised_steps,
    instantiate_sop,
    parse_sop,
    sop_fidelity,
    task_sop,
    write_sop,
)
from eclair.demonstrations.video import detect_key_frames, read_action_log

__all__ = [
    "BadActionLog",
    "BadScript",
    "BadTrace",
    "DemoAction",
    "DemonstrationError",
    "DemonstrationManifest",
    "NoDemonstration",
    "NoVisionModel",
    "PageState",
    "RawEvent",
    "SavedDemonstration",
    "SopResult",
    "TargetInfo",
    "UnreadableVideo",
    "detect_key_frames",
    "faithful_steps",
    "format_sop",
    "generalised_steps",
    "ingest",
    "ingest_video",
    "instantiate_sop",
    "load_manifest",
    "merge_events",
    "parse_sop",
    "read_action_log",
    "record_demonstration",
    "sop_fidelity",
    "task_sop",
    "write_sop",
]
