"""Write a demonstration's folder and its store rows all-or-nothing: staged, renamed into place, then recorded."""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eclair.demonstrations.schema import MANIFEST_NAME, DemonstrationManifest

log = logging.getLogger(__name__)
DEMO_FOLDER = "demonstrations"


@dataclass
class SavedDemonstration:
    id: str
    workflow: str
    folder: Path  # absolute
    manifest: DemonstrationManifest


def new_staging_dir(traces_root: Path) -> Path:
    """A private folder to build a demonstration in; nothing outside it is touched until `commit_demonstration`."""
    staging = traces_root / DEMO_FOLDER / f".staging-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    return staging


def discard_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "workflow"


def params_schema(params: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: {"type": "string", "examples": [value]} for name, value in params.items()},
        "required": sorted(params),
    }


def commit_demonstration(
    store: Any, staging: Path, manifest: DemonstrationManifest, *, description: str = ""
) -> SavedDemonstration:
    """Move the staged folder into place and add the Workflow (if new) and Demonstration rows; undo on failure."""
    root: Path = store.traces_root
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    final = root / DEMO_FOLDER / f"{slug(manifest.workflow)}-{stamp}-{uuid.uuid4().hex[:4]}"
    (staging / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=2))
    staging.rename(final)
    try:
        files = sorted(str(p.relative_to(root)) for p in final.rglob("*") if p.is_file())
        if store.get_workflow(manifest.workflow) is None:
            store.save_workflow(
                manifest.workflow,
                description or f"Demonstrated workflow {manifest.workflow}",
                start_url=manifest.start_url,
                params_schema=params_schema(manifest.params) if manifest.params else None,
            )
        action_log = [a.model_dump(mode="json") for a in manifest.actions]
        demo_id = store.add_demonstration(manifest.workflow, source=manifest.source, action_log=action_log, files=files)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    log.info("demonstration %s of %s saved in %s", demo_id, manifest.workflow, final)
    return SavedDemonstration(id=str(demo_id), workflow=manifest.workflow, folder=final, manifest=manifest)


def load_manifest(store: Any, files: list[str]) -> DemonstrationManifest | None:
    """The manifest among a demonstration's files (paths relative to the traces root), if it is still there."""
    for rel in files:
        if rel.endswith(MANIFEST_NAME):
            path = Path(store.traces_root) / rel
            if path.is_file():
                return DemonstrationManifest.model_validate_json(path.read_text())
    return None
