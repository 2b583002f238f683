"""One training step as a job of its own: `python -m eclair.learn.train --config JOB.toml`, alone or under
`accelerate launch --config_file configs/accelerate/….yaml -m eclair.learn.train --config JOB.toml` (data parallel:
TRL's trainers and the rank loop split the rows among the processes; process 0 writes the adapter).

A job file names the base model, the dataset files `eclair improve` writes (sft/rank/dpo JSONL) and the output dir;
relative paths are relative to the job file. A `[train]` table sets any TrainConfig field.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from eclair.errors import EclairError
from eclair.learn.train import TrainConfig, TrainResult, train_adapter

JOB_KEYS = {"base", "out", "sft", "rank", "dpo", "train"}


class JobError(EclairError):
    """A training job file that cannot be run as written."""


@dataclass(frozen=True)
class TrainJob:
    base: str  # "embedded", a Hugging Face model dir
    out: Path
    sft: Path | None
    rank: Path | None
    dpo: Path | None
    config: TrainConfig


def load_job(path: Path) -> TrainJob:
    """Read and check a job file; JobError (one line naming the file and the fix) when it cannot run."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise JobError(f"training job {path} does not exist; pass --config with a job file") from None
    except tomllib.TOMLDecodeError as exc:
        raise JobError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - JOB_KEYS
    if unknown:
        raise JobError(f"{path}: unknown key(s) {sorted(unknown)}; a job has {sorted(JOB_KEYS)}")
    if "out" not in data:
        raise JobError(f"{path}: no `out`; name the directory the adapter is written to")
    train = data.get("train", {})
    known = {f.name for f in fields(TrainConfig)}
    if set(train) - known:
        raise JobError(f"{path}: unknown [train] key(s) {sorted(set(train) - known)}; see TrainConfig")
    if "target_modules" in train:
        train["target_modules"] = tuple(train["target_modules"])
    try:
        config = TrainConfig(**train)
    except (TypeError, EclairError) as exc:
        raise JobError(f"{path}: [train] {exc}") from None
    here = path.resolve().parent
    files = {name: _data_file(here, data.get(name), path) for name in ("sft", "rank", "dpo")}
    if "sft" in config.objective and files["sft"] is None:
        raise JobError(f"{path}: objective {config.objective!r} needs an `sft` file")
    if config.objective == "rank" and files["rank"] is None:
        raise JobError(f"{path}: objective 'rank' needs a `rank` file")
    return TrainJob(str(data.get("base", "embedded")), here / data["out"], config=config, **files)


def _data_file(here: Path, name: str | None, job_path: Path) -> Path | None:
    if name is None:
        return None
    file = here / name
    if not file.is_file():
        raise JobError(f"{job_path}: data file {file} does not exist")
    return file


def run_job(job: TrainJob) -> TrainResult:
    """Train the job's adapter; under a multi-process launch every process calls this and they train together."""
    from accelerate import PartialState

    from eclair.config import load_settings
    from eclair.models.local import resolve_model_path

    state = PartialState(cpu=job.config.device != "cuda")  # joins the launch's process group, if there is one
    with state.main_process_first():  # the first use of "embedded" converts the GGUF once
        base_dir = resolve_model_path(job.base, load_settings())
    sft = job.sft or job.out / "no-sft.jsonl"  # read only by objectives with SFT, which require the file
    return train_adapter(base_dir, sft, job.out, job.config, dpo_path=job.dpo, base_id=job.base, rank_path=job.rank)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eclair.learn.train", description="Train a LoRA adapter from a job file."
    )
    parser.add_argument("--config", type=Path, required=True, help="the job file (TOML)")
    args = parser.parse_args(argv)
    try:
        job = load_job(args.config)
        result = run_job(job)
    except EclairError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if int(os.environ.get("RANK", "0")) == 0:
        summary: dict[str, Any] = {
            "adapter": str(result.adapter_dir),
            "processes": int(os.environ.get("WORLD_SIZE", "1")),
            "sft_examples": result.sft_examples,
            "rank_examples": result.rank_examples,
            "dpo_pairs": result.dpo_pairs,
            "sft_loss": result.sft_loss,
            "rank_loss": result.rank_loss,
            "dpo_loss": result.dpo_loss,
            "seconds": round(result.seconds, 2),
        }
        print(json.dumps(summary))
    return 0
