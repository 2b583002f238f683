"""Train a LoRA adapter: TRL SFT, then the listwise rank loop (eclair/learn/rank.py), then TRL DPO when pairs exist.

`objective` picks the stages: "sft" (TRL on the chosen completion), "rank" (only the decision the scoring agent
makes, among its candidates) or "sft+rank". Our code builds data and configs; TRL trains all but the rank loss.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eclair.errors import EclairError

log = logging.getLogger(__name__)


class TrainingError(EclairError):
    pass


OBJECTIVES = ("sft", "rank", "sft+rank")


@dataclass
class TrainConfig:
    epochs: float = 2.0
    max_steps: int = -1  # > 0 overrides epochs (tests use a few steps)
    learning_rate: float = 2e-4
    batch_size: int = 4
    grad_accum: int = 1
    max_length: int = 768
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    dpo_beta: float = 0.1
    device: str = "cpu"
    seed: int = 0
    objective: str = "sft"  # one of OBJECTIVES
    rank_tau: float = 1.0  # temperature of the rank loss's softmax over candidates

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise TrainingError(f"training objective {self.objective!r} is not one of {', '.join(OBJECTIVES)}")


@dataclass
class TrainResult:
    adapter_dir: Path
    sft_examples: int
    dpo_pairs: int
    sft_loss: float | None
    dpo_loss: float | None
    seconds: float
    log: list[dict[str, Any]] = field(default_factory=list)
    rank_examples: int = 0
    rank_loss: float | None = None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _progress_callback(label: str) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
    from transformers import TrainerCallback

    class RichProgress(TrainerCallback):  # type: ignore[misc]
        def __init__(self) -> None:
            self.progress: Progress | None = None
            self.task: Any = None
            self.history: list[dict[str, Any]] = []

        def on_train_begin(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            self.progress = Progress(
                TextColumn(label),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TextColumn("loss {task.fields[loss]}"),
                TimeRemainingColumn(),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(label, total=state.max_steps, loss="-")

        def on_step_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            if self.progress is not None:
                self.progress.update(self.task, completed=state.global_step)

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
            if logs:
                self.history.append(dict(logs, step=state.global_step))
                if self.progress is not None and "loss" in logs:
                    self.progress.update(self.task, loss=f"{logs['loss']:.3f}")

        def on_train_end(self, args: Any, state: Any, control: Any, **kw: Any) -> None:
            if self.progress is not None:
                self.progress.stop()

    return RichProgress()


def _common_args(cfg: TrainConfig, out: Path) -> dict[str, Any]:
    cuda = cfg.device == "cuda"
    return {
        "output_dir": str(out),
        "num_train_epochs": cfg.epochs,
        "max_steps": cfg.max_steps,
        "per_device_train_batch_size": cfg.batch_size,
        "gradient_accumulation_steps": cfg.grad_accum,
        "learning_rate": cfg.learning_rate,
        "logging_steps": 1,
        "save_strategy": "no",
        "report_to": [],
        "use_cpu": not cuda,
        "bf16": cuda,
        "seed": cfg.seed,
        "max_length": cfg.max_length,
        "dataloader_num_workers": 0,
        "disable_tqdm": True,
    }


def train_adapter(
    base_dir: Path,
    sft_path: Path,
    out_dir: Path,
    cfg: TrainConfig,
    dpo_path: Path | None = None,
    *,
    base_id: str | None = None,
    rank_path: Path | None = None,
) -> TrainResult:
    """Train a fresh LoRA on the base model (ReST-EM: always from the base) with cfg.objective's stages (SFT, rank
    rows from `rank_path`), then DPO on pairs if there are any and the objective includes SFT."""
    import torch
    from datasets import Dataset, disable_progress_bars
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback, set_seed
    from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer

    from eclair.learn.rank import Shard, train_rank
    from eclair.models.local import apply_thread_limit

    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise TrainingError("--device cuda was asked for but no CUDA device is visible; use --device cpu")
    apply_thread_limit()
    disable_progress_bars()  # per-map bars ("Tokenizing train dataset") would litter the round's output
    use_sft, use_rank = cfg.objective in ("sft", "sft+rank"), cfg.objective in ("rank", "sft+rank")
    sft_rows = _read_jsonl(sft_path) if use_sft else []
    if use_sft and not sft_rows:
        raise TrainingError(f"{sft_path} has no examples; run more rollouts or lower the success bar")
    rank_rows = _read_jsonl(rank_path) if use_rank and rank_path is not None and rank_path.exists() else []
    if cfg.objective == "rank" and not rank_rows:
        raise TrainingError(f"{rank_path} has no rank examples (steps with 2+ scored candidates); use --objective sft")
    started = time.perf_counter()
    set_seed(cfg.seed)  # the LoRA's random init too: the same job trains the same adapter, in 1 process or N
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    dtype = torch.bfloat16 if cfg.device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=dtype)
    if cfg.device == "cuda":
        model = model.to(f"cuda:{os.environ.get('LOCAL_RANK', '0')}")  # one GPU per process under accelerate
    lora = LoraConfig(
        r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
        target_modules=list(cfg.target_modules),
        task_type="CAUSAL_LM",
    )
    history: list[dict[str, Any]] = []
    sft_loss = rank_loss = dpo_loss = None
    if use_sft:
        progress = _progress_callback("SFT")
        sft_args = SFTConfig(**_common_args(cfg, out_dir / "sft"), completion_only_loss=True, packing=False)
        trainer = SFTTrainer(
            model=model,
            args=sft_args,
            train_dataset=Dataset.from_list(sft_rows),
            processing_class=tokenizer,
            peft_config=lora,
            callbacks=[progress],
        )
        trainer.remove_callback(PrinterCallback)  # losses go to the progress bar and the round log, not stdout
        sft_loss = float(trainer.train().training_loss)
        peft_model = trainer.model
        history += progress.history
    else:
        peft_model = get_peft_model(model, lora)
    if rank_rows:
        rank_loss, rank_history = train_rank(peft_model, tokenizer, rank_rows, cfg, tau=cfg.rank_tau)
        history += rank_history
    dpo_rows = _read_jsonl(dpo_path) if use_sft and dpo_path and dpo_path.exists() else []
    if dpo_rows:
        progress = _progress_callback("DPO")
        dpo_args = DPOConfig(**_common_args(cfg, out_dir / "dpo"), beta=cfg.dpo_beta)
        dpo = DPOTrainer(
            model=peft_model,
            args=dpo_args,
            train_dataset=Dataset.from_list(dpo_rows),
            processing_class=tokenizer,
            callbacks=[progress],
        )
        dpo.remove_callback(PrinterCallback)
        dpo_loss = float(dpo.train().training_loss)
        peft_model = dpo.model
        history += progress.history
    if Shard.current().rank == 0:  # every process holds the same weights; one writes them
        out_dir.mkdir(parents=True, exist_ok=True)
        peft_model.save_pretrained(str(out_dir))
        tokenizer.save_pretrained(str(out_dir))
        _point_adapter_at(out_dir, base_id or str(base_dir))
    _wait_for_all_processes()
    return TrainResult(
        adapter_dir=out_dir,
        sft_examples=len(sft_rows),
        dpo_pairs=len(dpo_rows),
        sft_loss=sft_loss,
        dpo_loss=dpo_loss,
        seconds=time.perf_counter() - started,
        log=history,
        rank_examples=len(rank_rows),
        rank_loss=rank_loss,
    )


def _wait_for_all_processes() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.barrier()


def _point_adapter_at(adapter_dir: Path, base_id: str) -> None:
    """Name the base by model id ("embedded" for the prepared default) so the adapter loads on any machine."""
    cfg_path = adapter_dir / "adapter_config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["base_model_name_or_path"] = base_id
    cfg_path.write_text(json.dumps(cfg, indent=2))


if __name__ == "__main__":  # python -m eclair.learn.train --config JOB.toml (alone or under accelerate launch)
    import sys

    from eclair.learn.train_job import main

    sys.exit(main())
