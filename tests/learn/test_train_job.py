"""`python -m eclair.learn.train --config JOB.toml` under `accelerate launch` with the shipped configs: one CPU
process, then two data-parallel CPU processes (gloo), on the embedded SmolLM2; the adapters are checked against the
rules vLLM's `--enable-lora` loader applies (vLLM itself is not installed or run here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eclair.config import load_settings
from eclair.learn.train_job import main
from eclair.learn.vllm_lora import vllm_lora_problems

ROOT = Path(__file__).resolve().parents[2]
ACCELERATE_CONFIGS = ROOT / "configs" / "accelerate"
ROWS = [  # (page, task, candidates, chosen): a few rank rows in the scoring agent's prompt shape
    ('- button "Save"\n- button "Cancel"\n- link "Help"', 'Click on the "Save" button.', ["Save", "Cancel", "Help"], 0),
    ('- button "Yes"\n- button "No"', 'Click on the "No" button.', ["Yes", "No"], 1),
    ('- link "Invoices"\n- link "Orders"', "Open the invoices.", ["Invoices", "Orders"], 0),
    ('- button "Approve"\n- button "Reject"', "Reject the invoice.", ["Approve", "Reject"], 1),
]


def _write_data(folder: Path) -> None:
    rank, sft = [], []
    for page, task, names, chosen in ROWS:
        prompt = f"Page:\n{page}\nTask: {task}\nAction:"
        candidates = [f' click "{name}"' for name in names]
        rank.append({"prompt": prompt, "candidates": candidates, "offsets": [0.0] * len(names), "chosen": chosen})
        sft.append({"prompt": prompt, "completion": candidates[chosen]})
    for name, rows in (("rank", rank), ("sft", sft)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))


def _job(folder: Path, out: str, batch_size: int) -> Path:
    """SFT then rank, one optimizer step each; no dropout, so one and two processes take the same steps."""
    path = folder / f"{out}.toml"
    path.write_text(
        f'base = "embedded"\nout = "{out}"\nsft = "sft.jsonl"\nrank = "rank.jsonl"\n\n[train]\n'
        f'objective = "sft+rank"\nmax_steps = 1\nbatch_size = {batch_size}\nlora_r = 4\nlora_dropout = 0.0\n'
    )
    return path


def _launch(accelerate_config: str, job: Path) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ECLAIR_TORCH_THREADS": "1"}
    env["ECLAIR_MODELS_DIR"] = str(load_settings().model_root)
    done = subprocess.run(
        [
            sys.executable,  # `accelerate launch`, run by this interpreter (the script's shebang may name another)
            "-m",
            "accelerate.commands.launch",
            "--config_file",
            str(ACCELERATE_CONFIGS / accelerate_config),
            "-m",
            "eclair.learn.train",
            "--config",
            str(job),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The same 4 rows trained by one process (batch 4) and by two (batch 2 each): the same global batch."""
    folder = tmp_path_factory.mktemp("train-job")
    _write_data(folder)
    return {
        "one": _launch("cpu.yaml", _job(folder, "one", batch_size=4)),
        "two": _launch("cpu-2proc.yaml", _job(folder, "two", batch_size=2)),
    }


@pytest.mark.slow
def test_accelerate_cpu_job_writes_an_adapter_vllm_would_load(trained: dict[str, dict[str, Any]]) -> None:
    from eclair.models.local import resolve_model_path

    one = trained["one"]
    assert one["processes"] == 1 and (one["sft_examples"], one["rank_examples"]) == (4, 4)
    assert one["sft_loss"] > 0 and one["rank_loss"] > 0
    adapter = Path(one["adapter"])
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA" and config["base_model_name_or_path"] == "embedded"
    assert sorted(config["target_modules"]) == ["k_proj", "o_proj", "q_proj", "v_proj"]
    assert not (adapter / "adapter_model.bin").exists()
    assert vllm_lora_problems(adapter, resolve_model_path("embedded")) == []


@pytest.mark.slow
def test_two_processes_train_the_same_adapter_as_one(trained: dict[str, dict[str, Any]]) -> None:
    import torch
    from safetensors.torch import load_file

    one, two = trained["one"], trained["two"]
    assert two["processes"] == 2 and (two["sft_examples"], two["rank_examples"]) == (4, 4)
    assert two["sft_loss"] == pytest.approx(one["sft_loss"], rel=1e-4)
    assert two["rank_loss"] == pytest.approx(one["rank_loss"], rel=1e-4)
    a = load_file(str(Path(one["adapter"]) / "adapter_model.safetensors"))
    b = load_file(str(Path(two["adapter"]) / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    trained_b = [key for key in a if "lora_B" in key]  # lora_B starts at zero: what it holds, training put there
    change = torch.cat([a[key].flatten() for key in trained_b]).norm()
    gap = torch.cat([(a[key] - b[key]).flatten() for key in trained_b]).norm()
    assert change > 0 and gap / change < 1e-2, f"two processes drifted from one: {float(gap / change):.2e}"


@pytest.mark.slow
def test_vllm_check_names_what_vllm_would_refuse(trained: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file, save_file

    from eclair.models.local import resolve_model_path

    base = resolve_model_path("embedded")
    good = Path(trained["one"]["adapter"])

    def variant(name: str, config_changes: dict[str, Any], tensor_changes: dict[str, Any] | None = None) -> Path:
        folder = tmp_path / name
        shutil.copytree(good, folder)
        config = json.loads((folder / "adapter_config.json").read_text())
        (folder / "adapter_config.json").write_text(json.dumps({**config, **config_changes}))
        if tensor_changes is not None:
            tensors = load_file(str(folder / "adapter_model.safetensors"))
            save_file({**tensors, **tensor_changes}, str(folder / "adapter_model.safetensors"))
        return folder

    def problems(folder: Path, **kwargs: Any) -> str:
        return " | ".join(vllm_lora_problems(folder, base, **kwargs))

    assert "modules_to_save" in problems(variant("save", {"modules_to_save": ["lm_head"]}))
    assert "DoRA" in problems(variant("dora", {"use_dora": True}))
    assert "r=4 is above --max-lora-rank 1" in problems(variant("rank", {}), max_lora_rank=1)
    assert "is not the base" in problems(variant("base", {"base_model_name_or_path": str(tmp_path)}))
    embeddings = {"base_model.model.model.embed_tokens.base_layer.weight": torch.zeros(2, 2)}
    assert "not a `base_model.model.<module>.lora_A/B.weight`" in problems(variant("embed", {}, embeddings))
    no_safetensors = variant("bin", {})
    (no_safetensors / "adapter_model.safetensors").rename(no_safetensors / "adapter_model.bin")
    assert "adapter_model.safetensors is missing" in problems(no_safetensors)


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ('out = "a"\nrank = "rank.jsonl"\nepochs = 2\n', "unknown key(s) ['epochs']"),
        ('rank = "rank.jsonl"\n[train]\nobjective = "rank"\n', "no `out`"),
        ('out = "a"\n[train]\nobjective = "rank"\n', "objective 'rank' needs a `rank` file"),
        ('out = "a"\nsft = "missing.jsonl"\n', "missing.jsonl does not exist"),
        ('out = "a"\nrank = "rank.jsonl"\n[train]\nobjective = "rank"\nlora_rank = 4\n', "['lora_rank']"),
        ('out = "a"\nrank = "rank.jsonl"\n[train]\nobjective = "ranking"\n', "not one of sft, rank, sft+rank"),
    ],
)
def test_a_bad_job_file_is_one_line_and_exit_2(
    job: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_data(tmp_path)
    (tmp_path / "job.toml").write_text(job)
    assert main(["--config", str(tmp_path / "job.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1, err
