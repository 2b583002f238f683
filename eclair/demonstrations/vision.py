"""ECLAIR's pairwise mode: ask a vision model which action turned one key frame into the next."""

from __future__ import annotations

import itertools
import logging
from typing import Any, Literal

from pydantic import BaseModel

from eclair.config import Settings
from eclair.demonstrations.errors import NoVisionModel
from eclair.demonstrations.schema import DemoAction, TargetInfo
from eclair.demonstrations.video import KeyFrame
from eclair.prompting import render_prompt

log = logging.getLogger(__name__)


class InferredAction(BaseModel):
    kind: Literal["click", "type", "select", "check", "press", "scroll", "goto", "none"]
    element_role: str = ""
    element_name: str = ""
    text: str | None = None
    key: str | None = None
    url: str | None = None


def vision_backend(settings: Settings, source: str) -> Any:
    """The configured vision-capable OpenAI-compatible backend, or a one-line error saying how to get one."""
    configured = settings.openai_vision and settings.model and (settings.openai_base_url or settings.openai_api_key)
    if not configured:
        raise NoVisionModel(
            f"{source}: no --actions log given and no vision model configured; pass --actions log.jsonl, or set "
            "ECLAIR_OPENAI_BASE_URL, ECLAIR_MODEL and ECLAIR_OPENAI_VISION=true"
        )
    from eclair.models import load_backend

    return load_backend(settings, backend="openai")


def infer_actions(key_frames: list[KeyFrame], backend: Any) -> list[DemoAction]:
    """One model call per consecutive key-frame pair; pairs the model calls `none` add no action."""
    from eclair.models import generate_json

    actions: list[DemoAction] = []
    for before, after in itertools.pairwise(key_frames):
        messages = [{"role": "user", "content": render_prompt(__file__, "vision_pair.j2")}]
        inferred, _ = generate_json(
            backend, messages, InferredAction, images=[before.png(), after.png()], temperature=0.0, max_tokens=200
        )
        if inferred.kind == "none":
            continue
        target = (
            TargetInfo(role=inferred.element_role, name=inferred.element_name)
            if inferred.element_name or inferred.element_role
            else None
        )
        actions.append(
            DemoAction(
                index=len(actions),
                kind=inferred.kind,
                target=target,
                text=inferred.text,
                key=inferred.key,
                url=inferred.url,
                checked=True if inferred.kind == "check" else None,
                dy=600.0 if inferred.kind == "scroll" else 0.0,
                t=after.t_ms / 1000.0,
            )
        )
    return actions
