"""Would vLLM (`--enable-lora`) load this adapter? The rules of vLLM's loader (vllm/lora: PEFTHelper, LoRAModel,
parse_fine_tuned_lora_name), checked against the adapter's own files and the base model's modules, without vLLM.

What vLLM requires: adapter_config.json with r, lora_alpha and target_modules; no modules_to_save; no DoRA; bias
"none" (unless served with bias enabled); r at most --max-lora-rank (default 16). Weights in adapter_model.safetensors
(a .bin is read too, but then only the config is checked), every tensor named `base_model.model.<module>.lora_A.weight`
or `.lora_B.weight`; the module's last name must be one vLLM can replace (a linear layer of the base model). Full
embedding tensors (a resized vocabulary) are skipped by vLLM, so an adapter that needs them is served wrongly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VLLM_MAX_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)  # the values --max-lora-rank accepts
PREFIX = "base_model.model."


def vllm_lora_problems(adapter_dir: Path, base_dir: Path, *, max_lora_rank: int = 16) -> list[str]:
    """Everything that would make vLLM refuse this adapter, or serve it wrong, on `base_dir`; [] when it loads."""
    config_path = adapter_dir / "adapter_config.json"
    if not config_path.is_file():
        return [f"{config_path} is missing"]
    config = json.loads(config_path.read_text())
    problems = _config_problems(config, max_lora_rank) + _base_problems(config, base_dir)
    weights = adapter_dir / "adapter_model.safetensors"
    if not weights.is_file():
        return [*problems, f"{weights.name} is missing (vLLM reads safetensors; save with safe_serialization)"]
    linears = _base_linears(base_dir)
    targets = config.get("target_modules") or []
    targets = [targets] if isinstance(targets, str) else list(targets)
    from safetensors import safe_open

    with safe_open(str(weights), framework="pt") as tensors:
        names = list(tensors.keys())
        shapes = {name: tuple(tensors.get_slice(name).get_shape()) for name in names}
    if not names:
        problems.append(f"{weights.name} holds no tensors")
    for name in names:
        problems += _tensor_problems(name, shapes[name], linears, targets, int(config.get("r", 0)))
    return problems


def _config_problems(config: dict[str, Any], max_lora_rank: int) -> list[str]:
    problems = [
        f"adapter_config.json has no {key!r}" for key in ("r", "lora_alpha", "target_modules") if key not in config
    ]
    if config.get("peft_type") != "LORA":
        problems.append(f"peft_type is {config.get('peft_type')!r}, not 'LORA'")
    if config.get("modules_to_save"):
        problems.append(f"modules_to_save is {config['modules_to_save']!r}; vLLM only loads adapters without it")
    if config.get("use_dora"):
        problems.append("use_dora is set; vLLM does not load DoRA adapters")
    if config.get("bias", "none") != "none":
        problems.append(f"bias is {config['bias']!r}; vLLM needs 'none' unless served with LoRA bias enabled")
    if max_lora_rank not in VLLM_MAX_LORA_RANKS:
        problems.append(f"--max-lora-rank {max_lora_rank} is not one vLLM accepts ({VLLM_MAX_LORA_RANKS})")
    if int(config.get("r", 0)) > max_lora_rank:
        problems.append(f"r={config['r']} is above --max-lora-rank {max_lora_rank}; serve with a larger one")
    return problems


def _base_problems(config: dict[str, Any], base_dir: Path) -> list[str]:
    """vLLM takes the base from its own --model, not from the adapter: the adapter must name that same base."""
    from eclair.errors import EclairError
    from eclair.models.local import resolve_model_path

    named = str(config.get("base_model_name_or_path") or "")
    try:
        same = bool(named) and resolve_model_path(named).resolve() == base_dir.resolve()
    except EclairError:
        same = False
    return [] if same else [f"base_model_name_or_path {named!r} is not the base {base_dir} it is served on"]


def _tensor_problems(
    name: str, shape: tuple[int, ...], linears: dict[str, tuple[int, int]], targets: list[str], rank: int
) -> list[str]:
    parts = name.removeprefix(PREFIX).split(".")
    if not name.startswith(PREFIX) or parts[-1] != "weight" or parts[-2] not in ("lora_A", "lora_B"):
        return [f"tensor {name}: not a `{PREFIX}<module>.lora_A/B.weight` LoRA weight (vLLM rejects or skips it)"]
    module = ".".join(parts[:-2])
    if module not in linears:
        return [f"tensor {name}: the base model has no linear layer {module}"]
    if parts[-3] not in targets:
        return [f"tensor {name}: {parts[-3]} is not in target_modules {targets}"]
    in_features, out_features = linears[module]
    expected = (rank, in_features) if parts[-2] == "lora_A" else (out_features, rank)
    if shape != expected:
        return [f"tensor {name}: shape {shape}, but r={rank} on {module} needs {expected}"]
    return []


def _base_linears(base_dir: Path) -> dict[str, tuple[int, int]]:
    """The base model's linear layers inside its decoder blocks (what vLLM puts LoRA on): name → (in, out)."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    with torch.device("meta"):  # the architecture only: no weights are read
        model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(base_dir))
    return {
        name: (module.in_features, module.out_features)
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and ".layers." in name
    }
