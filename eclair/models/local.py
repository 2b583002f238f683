"""The local backend: a transformers causal LM (the embedded SmolLM2, any HF dir, or a PEFT adapter on a base)."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eclair.config import Settings
from eclair.models.base import Completion, Message, ModelError
from eclair.models.compute import on_compute_thread
from eclair.models.prepare import convert_gguf, prepare_embedded
from eclair.types import Usage

log = logging.getLogger(__name__)

EMBEDDED_IDS = {"", "embedded"}


def resolve_model_path(model_id: str, settings: Settings | None = None) -> Path:
    """Map a model id to a directory: "embedded" → the prepared SmolLM2; a HF or PEFT dir; a .gguf file (converted)."""
    from eclair.config import load_settings

    settings = settings or load_settings()
    if model_id.strip() in EMBEDDED_IDS:
        return prepare_embedded(settings)
    path = Path(model_id).expanduser()
    if not path.exists():
        raise ModelError(f"model path {model_id!r} does not exist; pass 'embedded', a model directory or an adapter")
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelError(f"model {model_id!r} is a file but not a .gguf; pass a model directory or a .gguf file")
        target = settings.model_root / f"gguf-{path.stem.lower()}"
        from eclair.models.prepare import is_prepared

        return target if is_prepared(target) else convert_gguf(path, target)
    if not ((path / "config.json").is_file() or (path / "adapter_config.json").is_file()):
        raise ModelError(f"{model_id!r} has no config.json or adapter_config.json; it is not a model directory")
    return path.resolve()


def apply_thread_limit() -> None:
    """Honour ECLAIR_TORCH_THREADS: on a shared, oversubscribed CPU one thread beats several spinning OpenMP ones."""
    value = os.environ.get("ECLAIR_TORCH_THREADS", "").strip()
    if not value:
        return
    if not value.isdigit() or int(value) < 1:
        raise ModelError(f"ECLAIR_TORCH_THREADS={value!r} is not a positive integer")
    import torch

    if torch.get_num_threads() != int(value):
        torch.set_num_threads(int(value))


def pick_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"device {device!r} asked for but CUDA is not available; use --device cpu")
    return device or "cpu"


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AMX or AVX-512 BF16): then bf16 inference is ~2x fp32."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def pick_dtype(device: str, name: str = "auto") -> Any:
    """The inference dtype: `auto` is bfloat16 on CUDA and on CPUs with native bf16, else float32."""
    import torch

    choices = {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16}
    if name in choices:
        return choices[name]
    if name not in ("", "auto"):
        raise ModelError(f"dtype {name!r} is not one of auto, float32, bfloat16; set ECLAIR_DTYPE to one of them")
    return torch.bfloat16 if device.startswith("cuda") or cpu_has_bf16() else torch.float32


def load_model_and_tokenizer(path: Path, device: str, settings: Settings | None = None) -> tuple[Any, Any, str]:
    """Load a causal LM (a PEFT adapter is merged into its base); returns model, tokenizer, base path."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    # A "Loading weights" bar per load would litter every command's output.
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    dtype = pick_dtype(device, settings.dtype if settings is not None else "auto")
    adapter_config = path / "adapter_config.json"
    base_path = path
    if adapter_config.is_file():
        base_id = str(json.loads(adapter_config.read_text()).get("base_model_name_or_path") or "embedded")
        if not Path(base_id).expanduser().exists() and "smollm2-135m" in base_id.lower():
            base_id = "embedded"  # adapters trained on the hub copy of SmolLM2 run on the embedded conversion
        base_path = resolve_model_path(base_id, settings)
        if base_path.is_file() or not (base_path / "config.json").is_file():
            raise ModelError(f"adapter {path} names base {base_id!r}, which is not a model directory")
    _check_causal_lm(base_path)
    try:
        model: Any = AutoModelForCausalLM.from_pretrained(str(base_path), dtype=dtype)
    except Exception as exc:  # any failure reading a user-supplied model is a bad-input error
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"{base_path} is not a causal language model transformers can load ({first})") from None
    if adapter_config.is_file():
        from peft import PeftModel

        # Merged once at load: inference then runs at the base model's speed.
        model = PeftModel.from_pretrained(model, str(path)).merge_and_unload()
    tokenizer_dir = path if (path / "tokenizer_config.json").is_file() else base_path
    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model.to(device)
    model.eval()
    return model, tokenizer, str(base_path)


def _check_causal_lm(path: Path) -> None:
    """Refuse encoders (e.g. a sentence-embedding BERT) up front: AutoModelForCausalLM would bolt a random head on."""
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        raise ModelError(f"{path}/config.json is missing or not JSON; it is not a model directory") from None
    architectures = config.get("architectures") or []
    if architectures and not any(a.endswith(("ForCausalLM", "LMHeadModel")) for a in architectures):
        raise ModelError(
            f"{path} is not a causal language model (architecture {architectures[0]}); pass a chat/LM model"
        )


class LocalBackend:
    """A transformers model on this machine: chat with its chat template, and score() with a shared KV cache."""

    name = "local"
    supports_images = False  # a text model: chat() drops images
    enforces_schema = False  # a schema is asked for in the prompt; generate_json validates the reply

    def __init__(self, model_path_or_id: str = "embedded", device: str = "cpu", settings: Settings | None = None):
        from eclair.models.scoring import PrefixScorer

        apply_thread_limit()
        self.device = pick_device(device)
        self.path = resolve_model_path(model_path_or_id, settings)
        self.model_id = "embedded" if model_path_or_id.strip() in EMBEDDED_IDS else str(self.path)
        # Loaded and run on the one torch thread (eclair.models.compute): one OpenMP team for the whole process.
        self.model, self.tokenizer, self.base_path = on_compute_thread(
            load_model_and_tokenizer, self.path, self.device, settings
        )
        self.scorer = PrefixScorer(self.model, self.tokenizer)
        self.last_usage = Usage()
        self._lock = threading.Lock()  # one forward pass at a time; the TUI and runner may share a backend

    # -- scoring ----------------------------------------------------------------------------------------------------

    def score(self, prompt: str, continuations: Sequence[str]) -> list[float]:
        """Sum of log-probs of each continuation after `prompt`: one prompt prefill, all continuations in one pass."""
        started = time.perf_counter()
        with self._lock:
            scores = on_compute_thread(self.scorer.score, prompt, continuations)
            self.last_usage = Usage(
                tokens_in=self.scorer.last_prefill_tokens + self.scorer.last_scored_tokens,
                tokens_out=0,
                model_ms=(time.perf_counter() - started) * 1000,
            )
        return scores

    def score_many(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[list[float]]:
        """Score the same continuations after several prompts (e.g. task prompt and task-less prompt for PMI).

        The prompts' shared start (the page text) is prefilled once; their tails and all continuations then run in
        one packed pass, so the task-less prompt costs only its few tail tokens.
        """
        started = time.perf_counter()
        with self._lock:
            results = on_compute_thread(self.scorer.score_many, prompts, continuations)
            tokens = self.scorer.last_prefill_tokens + self.scorer.last_scored_tokens
            self.last_usage = Usage(tokens_in=tokens, model_ms=(time.perf_counter() - started) * 1000)
        return results

    def prompt_budget_chars(self, max_tokens: int, schema: dict[str, Any] | None = None) -> int | None:
        """None: no server reports a window here; the agents bound local prompts by their own page limits."""
        return None

    # -- generation -------------------------------------------------------------------------------------------------

    def render_chat(self, messages: Sequence[Message]) -> str:
        """The exact prompt text the model sees for `messages` (chat template + generation prompt)."""
        plain = [{"role": m["role"], "content": _text_of(m.get("content", ""))} for m in messages]
        return str(self.tokenizer.apply_chat_template(plain, tokenize=False, add_generation_prompt=True))

    def chat(
        self,
        messages: Sequence[Message],
        *,
        images: Sequence[bytes] = (),
        schema: dict[str, Any] | None = None,
        temperature: float = 0.0,
        n: int = 1,
        max_tokens: int = 256,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
    ) -> list[Completion]:
        """Generate n completions; greedy at temperature 0 (then n copies of one answer), sampled with `seed` above."""
        import torch

        if images:
            log.debug("local model %s has no vision; %d image(s) ignored", self.model_id, len(images))
        if schema is not None:
            from eclair.models.openai_compat import schema_instruction

            # A local model cannot be forced into a schema; ask in the prompt and let generate_json validate.
            messages = [*messages, {"role": "user", "content": schema_instruction(schema)}]
        prompt = self.render_chat(messages)
        input_ids = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)["input_ids"].to(self.device)
        sample = temperature > 0
        runs = n if sample else 1
        stop_list = [s for s in (stop or []) if s]
        kwargs: dict[str, Any] = {
            "max_new_tokens": max_tokens,
            "do_sample": sample,
            "num_return_sequences": runs,
            "pad_token_id": self.tokenizer.pad_token_id,
            "eos_token_id": self.tokenizer.eos_token_id,
        }
        if sample:
            kwargs.update(temperature=temperature, top_p=1.0, top_k=0)
        if stop_list:
            kwargs.update(stop_strings=stop_list, tokenizer=self.tokenizer)
        started = time.perf_counter()

        def generate() -> Any:
            with torch.random.fork_rng(devices=[]), torch.inference_mode():
                if seed is not None:
                    torch.manual_seed(seed)
                return self.model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), **kwargs)

        with self._lock:
            output = on_compute_thread(generate)
        elapsed_ms = (time.perf_counter() - started) * 1000
        completions: list[Completion] = []
        tokens_out = 0
        prompt_len = input_ids.shape[1]
        for row in output:
            generated = row[prompt_len:].tolist()
            ended_on_eos = self.tokenizer.eos_token_id in generated
            if ended_on_eos:
                generated = generated[: generated.index(self.tokenizer.eos_token_id)]
            tokens_out += len(generated)
            text = self.tokenizer.decode(generated, skip_special_tokens=True)
            text, hit_stop = _cut_at_stop(text, stop_list)
            finish = "stop" if ended_on_eos or hit_stop else "length"
            usage = Usage(tokens_in=prompt_len, tokens_out=len(generated), model_ms=elapsed_ms / runs)
            completions.append(Completion(text=text, finish_reason=finish, usage=usage))
        if not sample and n > 1:
            completions = [completions[0].model_copy() for _ in range(n)]
        self.last_usage = Usage(tokens_in=prompt_len, tokens_out=tokens_out, model_ms=elapsed_ms)
        return completions


def _text_of(content: Any) -> str:
    """Flatten OpenAI-style content parts to text (a local text model sees only the text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    return str(content)


def _cut_at_stop(text: str, stops: Sequence[str]) -> tuple[str, bool]:
    cut = min((text.find(s) for s in stops if s in text), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)
