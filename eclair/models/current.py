"""The local model eclair uses when none is named: the last promoted one, else the embedded default.

`eclair improve` points here when it promotes an adapter (the database keeps the version and its provenance);
`eclair models use` points here by hand. The pointer lives in the data dir beside the database, so each data dir
(a user's, a test's, a benchmark's) has its own current model.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from eclair.config import Settings
from eclair.models.base import ModelError

log = logging.getLogger(__name__)

POINTER_NAME = "current-model.json"


def pointer_path(settings: Settings) -> Path:
    return settings.data_dir / POINTER_NAME


def current_model(settings: Settings) -> str:
    """The model id a local run uses when none is named: "embedded" or an adapter/model directory."""
    path = pointer_path(settings)
    if not path.is_file():
        return "embedded"
    try:
        model = str(json.loads(path.read_text()).get("model") or "embedded")
    except (OSError, ValueError, AttributeError):
        log.warning("%s is unreadable; using the embedded model (fix it with `eclair models use`)", path)
        return "embedded"
    if model != "embedded" and not Path(model).exists():
        log.warning("the current model %s is gone; using the embedded model", model)
        return "embedded"
    return model


def current_note(settings: Settings) -> str:
    """Why the current model is current (who set it, when), or "" for the default."""
    try:
        data = json.loads(pointer_path(settings).read_text())
    except (OSError, ValueError):
        return ""
    return f"{data.get('note', '')} (set {data.get('set_at', '?')})".strip()


def set_current_model(settings: Settings, model: str, *, note: str = "") -> str:
    """Make `model` ("embedded", or a model/adapter directory) the current one; returns the stored id."""
    model = model.strip() or "embedded"
    if model != "embedded":
        path = Path(model).expanduser().resolve()
        if not ((path / "adapter_config.json").is_file() or (path / "config.json").is_file()):
            raise ModelError(f"{model!r} is not a model or adapter directory; pass 'embedded' or such a directory")
        model = str(path)
    target = pointer_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {"model": model, "note": note, "set_at": datetime.now(UTC).isoformat(timespec="seconds")}
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2))
    os.replace(tmp, target)  # atomic: a reader sees the old pointer or the new one
    return model
