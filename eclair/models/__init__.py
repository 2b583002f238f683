"""Model backends behind one Protocol: the local transformers model (embedded default) and OpenAI-compatible APIs.

Names are imported lazily so `import eclair.models` stays cheap (torch loads only when a local model does).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from eclair.models.base import Backend, Completion, Message, ModelError, ScoringUnsupported

if TYPE_CHECKING:
    from eclair.models.loading import load_backend
    from eclair.models.local import LocalBackend
    from eclair.models.openai_compat import OpenAICompatBackend
    from eclair.models.prepare import prepare_embedded
    from eclair.models.structured import generate_json

_LAZY = {
    "load_backend": "eclair.models.loading",
    "LocalBackend": "eclair.models.local",
    "OpenAICompatBackend": "eclair.models.openai_compat",
    "prepare_embedded": "eclair.models.prepare",
    "generate_json": "eclair.models.structured",
}

__all__ = [
    "Backend",
    "Completion",
    "LocalBackend",
    "Message",
    "ModelError",
    "OpenAICompatBackend",
    "ScoringUnsupported",
    "generate_json",
    "load_backend",
    "prepare_embedded",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'eclair.models' has no attribute {name!r}")
