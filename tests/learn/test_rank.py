"""The listwise rank objective: rows mined from stored candidates, packed log-likelihoods equal to separate
forwards, and a tiny training whose loss falls and whose adapter loads back as a model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eclair.config import Settings, load_settings
from eclair.learn.mine import label_runs, mine
from eclair.learn.train import TrainConfig, TrainingError
from eclair.store import Store
from eclair.types import Action, ActionResult, Candidate, Decision, Observation, StepRecord, Task, Verdict

Step = tuple[str, list[tuple[str, float, float | None]], int, str]  # prompt, (text, score, raw), chosen, prefix


def _decision(prompt: str, cands: list[tuple[str, float, float | None]], chosen: int, prefix: str) -> Decision:
    candidates = [
        Candidate(action=Action(kind="click", element=str(i)), text=text, score=score, raw_score=raw)
        for i, (text, score, raw) in enumerate(cands)
    ]
    return Decision(
        action=candidates[chosen].action, prompt=prompt, completion=prefix + cands[chosen][0], candidates=candidates
    )


def _store_run(store: Store, env: str, seed: int, steps: list[Step], *, success: bool) -> str:
    run = store.create_run(Task(text=f"task {env}", env=env, seed=seed), agent="scoring", model="embedded")
    store.start_run(run.id)
    for i, (prompt, cands, chosen, prefix) in enumerate(steps):
        step = StepRecord(
            index=i,
            observation=Observation(url="http://x/", text=prompt),
            decision=_decision(prompt, cands, chosen, prefix),
            result=ActionResult(ok=True),
        )
        store.record_step(run.id, step, None)
    store.add_verdict(run.id, Verdict(label="pass" if success else "fail", score=float(success), critic="checker"))
    store.finish_run(run.id, "succeeded" if success else "failed")
    return run.id


def test_rank_rows_come_from_successful_steps_with_scored_siblings(settings: Settings) -> None:
    store = Store(settings)
    two = [('click button "A"', -1.0, -3.0), ('click button "B"', -2.5, -2.0)]
    chat_step: Step = ("P1", two, 0, "")  # chat template: the completion is the candidate's text
    plain_step: Step = ("P2", [*two, ('click button "C"', -9.0, -4.0)], 1, " ")  # plain prompt: a space first
    lone: Step = ("P3", two[:1], 0, "")  # one candidate: nothing to rank against
    unscored: Step = ("P4", [('click button "A"', 0.0, None), ('click button "B"', 0.0, None)], 0, "")
    _store_run(store, "miniwob/a", 0, [chat_step, plain_step, lone, unscored], success=True)
    _store_run(store, "miniwob/a", 1, [chat_step, plain_step, lone, unscored], success=True)  # a duplicate
    _store_run(store, "miniwob/b", 0, [("Q", two, 1, "")], success=False)  # failed runs give no rank rows
    mined = mine(label_runs(store, store.list_runs(limit=10), "env"))
    assert mined.stats["rank_examples"] == 2 and mined.stats["duplicates"] == 1
    assert mined.rank[0] == {
        "prompt": "P1",
        "candidates": ['click button "A"', 'click button "B"'],
        "offsets": [2.0, -0.5],
        "chosen": 0,
    }
    assert mined.rank[1]["candidates"] == [' click button "A"', ' click button "B"', ' click button "C"']
    assert mined.rank[1]["offsets"] == [2.0, -0.5, -5.0] and mined.rank[1]["chosen"] == 1
    assert len(mined.sft) == 4, "rank rows ride along SFT rows, they do not replace them"


def test_unknown_objective_is_a_one_line_error() -> None:
    with pytest.raises(TrainingError, match="not one of sft, rank, sft\\+rank"):
        TrainConfig(objective="ppo")


# --- with the real embedded model ----------------------------------------------------------------------------------

PAGE = [f'- button "{label}"' for label in ["Yes", "No", "Cancel", "Submit order", "Help", "Log out"]]
TEXTS = [f'click button "{label}"' for label in ["Yes", "No", "Cancel", "Submit order", "Help", "Log out"]]


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    from eclair.models import LocalBackend

    # float32: the packed and the naive sums must agree to 1e-3, below bfloat16's rounding
    yield LocalBackend("embedded", settings=load_settings().with_overrides(dtype="float32"))


def _prompts(backend: Any) -> list[tuple[str, list[str]]]:
    from agents.scoring_agent.prompt import continuation, render

    chat = backend.render_chat
    done = ['click button "Yes"']
    return [
        (render(PAGE, 'Click on the "Submit order" button.', done, chat), [continuation(t, chat) for t in TEXTS]),
        (render(PAGE, 'Click on the "Help" button.', done, None), [continuation(t, None) for t in TEXTS]),
        # merges across the boundary, duplicates, a prefix of another, an empty one, a one-token one
        ("Action: ", ["click", "click", 'click button "Yes"', "", "x", "type hello"]),
    ]


@pytest.mark.slow
def test_packed_logliks_equal_separate_forwards(backend: Any) -> None:
    import torch

    from eclair.learn.rank import candidate_logliks, pack_row

    for prompt, continuations in _prompts(backend):
        packed = pack_row(backend.tokenizer, prompt, continuations, max_length=2048)
        with torch.no_grad():
            got = candidate_logliks(backend.model, packed).tolist()
        assert got == pytest.approx(backend.scorer.score_naive(prompt, continuations), abs=1e-3)
    # A prompt longer than max_length keeps its tail; the sums are those after that tail, run separately.
    prompt, continuations = _prompts(backend)[0]
    packed = pack_row(backend.tokenizer, prompt, continuations, max_length=48)
    assert packed.length == 48 and packed.prefix == backend.scorer.encode(prompt)[-len(packed.prefix) :]
    with torch.no_grad():
        got = candidate_logliks(backend.model, packed).tolist()
        for value, text in zip(got, continuations, strict=True):
            ids = packed.prefix + backend.scorer.encode(prompt + text)[len(backend.scorer.encode(prompt)) :]
            logits = backend.model(input_ids=torch.tensor([ids])).logits[0, len(packed.prefix) - 1 : -1]
            own = torch.tensor(ids[len(packed.prefix) :])
            expected = torch.log_softmax(logits, -1).gather(1, own[:, None]).sum()
            assert value == pytest.approx(float(expected), abs=1e-3)


@pytest.mark.slow
def test_tiny_rank_training_lowers_the_loss_and_loads_back(backend: Any, settings: Settings, tmp_path: Path) -> None:
    from eclair.learn.rank import mean_rank_loss
    from eclair.learn.train import train_adapter
    from eclair.models import load_backend

    prompts = _prompts(backend)[:2]
    rows = [
        {"prompt": prompts[0][0], "candidates": prompts[0][1], "offsets": [0.0] * 6, "chosen": 3},
        {"prompt": prompts[1][0], "candidates": prompts[1][1], "offsets": [0.5, 0, 0, -1.0, 0, 0], "chosen": 4},
        {"prompt": prompts[1][0], "candidates": prompts[1][1][:3], "offsets": [0.0] * 3, "chosen": 2},
    ]
    rank_path, sft_path = tmp_path / "rank.jsonl", tmp_path / "sft.jsonl"
    rank_path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    sft_path.write_text("")  # a rank-only round needs no SFT rows
    cfg = TrainConfig(objective="rank", max_steps=2, batch_size=3, learning_rate=1e-3, lora_r=4, lora_dropout=0.0)
    result = train_adapter(backend.path, sft_path, tmp_path / "adapter", cfg, rank_path=rank_path, base_id="embedded")
    assert result.rank_examples == 3 and result.sft_examples == 0 and result.sft_loss is None
    losses = [entry["rank_loss"] for entry in result.log]
    assert len(losses) == 2 and losses[1] < losses[0], "the second step sees the same rows after one update"
    assert result.rank_loss == pytest.approx(sum(losses) / 2)

    base_loss = mean_rank_loss(backend.model, backend.tokenizer, rows, cfg.max_length)
    trained = load_backend(settings.with_overrides(dtype="float32"), backend="local", model=str(result.adapter_dir))
    trained_loss = mean_rank_loss(trained.model, trained.tokenizer, rows, cfg.max_length)  # type: ignore[attr-defined]
    assert trained_loss < base_loss - 1e-3, "the saved adapter, merged at load, keeps what training learnt"


@pytest.mark.slow
def test_sft_then_rank_then_dpo_train_one_adapter(backend: Any, tmp_path: Path) -> None:
    from eclair.learn.train import train_adapter

    (chat_prompt, chat_texts), (plain_prompt, plain_texts) = _prompts(backend)[:2]
    rank = [
        {"prompt": chat_prompt, "candidates": chat_texts, "offsets": [0.0] * 6, "chosen": 3},
        {"prompt": plain_prompt, "candidates": plain_texts, "offsets": [0.0] * 6, "chosen": 4},
    ]
    files = {
        "sft": [{"prompt": r["prompt"], "completion": r["candidates"][r["chosen"]]} for r in rank],
        "dpo": [
            {"prompt": r["prompt"], "chosen": r["candidates"][r["chosen"]], "rejected": r["candidates"][0]}
            for r in rank
        ],
        "rank": rank,
    }
    for name, rows in files.items():
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = TrainConfig(objective="sft+rank", max_steps=1, batch_size=2, lora_r=4)
    result = train_adapter(
        backend.path,
        tmp_path / "sft.jsonl",
        tmp_path / "adapter",
        cfg,
        dpo_path=tmp_path / "dpo.jsonl",
        rank_path=tmp_path / "rank.jsonl",
        base_id="embedded",
    )
    assert (result.sft_examples, result.rank_examples, result.dpo_pairs) == (2, 2, 2)
    assert None not in (result.sft_loss, result.rank_loss, result.dpo_loss)
    assert [key for entry in result.log for key in entry if key in ("loss", "rank_loss")][:2] == ["loss", "rank_loss"]
    assert (result.adapter_dir / "adapter_model.safetensors").exists()
