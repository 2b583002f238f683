"""float32 vs bfloat16 inference for the scoring agent's decision on this CPU, in one run (issue 5 latency).

Loads the embedded model twice (float32 and bfloat16), then times, interleaved round by round, one PMI decision:
`score_many([task prompt, task-less prompt], candidates)` on a synthetic 30-button page with 24 candidates. Reports
the median of each, the ratio, the largest score difference, and whether both pick the same candidate. Writes JSON.

    .venv/bin/python benchmarks/dtype_speed.py --rounds 8 --json bench-out/dtype-speed.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    import torch

    from eclair.config import load_settings
    from eclair.models.local import LocalBackend, cpu_has_bf16

    settings = load_settings()
    backends = {
        name: LocalBackend("embedded", settings=settings.with_overrides(dtype=name)) for name in ("float32", "bfloat16")
    }
    any_backend = backends["float32"]
    page = "\n".join(f'[{i}] button "Item number {i} of the list"' for i in range(30))
    prompts = [
        any_backend.render_chat([{"role": "user", "content": f"{page}\nTask: click the button for item 17"}]),
        any_backend.render_chat([{"role": "user", "content": f"{page}\n"}]),
    ]
    candidates = [f'click button "Item number {i} of the list"' for i in range(24)]
    times: dict[str, list[float]] = {name: [] for name in backends}
    scores: dict[str, list[list[float]]] = {}
    for name, backend in backends.items():  # warm-up: first calls pick kernels
        scores[name] = backend.score_many(prompts, candidates)
    for _ in range(args.rounds):
        for name, backend in backends.items():
            backend.scorer.clear()  # a fresh page each decision: no cached prefix
            started = time.perf_counter()
            backend.score_many(prompts, candidates)
            times[name].append((time.perf_counter() - started) * 1000.0)

    def choice(rows: list[list[float]]) -> int:
        pmi = [t - p for t, p in zip(*rows, strict=True)]
        return pmi.index(max(pmi))

    full, half = scores["float32"], scores["bfloat16"]
    report = {
        "torch_threads": torch.get_num_threads(),
        "cpu_has_bf16": cpu_has_bf16(),
        "prompt_tokens": len(any_backend.scorer.encode(prompts[0])),
        "candidates": len(candidates),
        "rounds": args.rounds,
        "float32_ms_median": round(statistics.median(times["float32"]), 1),
        "bfloat16_ms_median": round(statistics.median(times["bfloat16"]), 1),
        "speedup": round(statistics.median(f / h for f, h in zip(times["float32"], times["bfloat16"], strict=True)), 2),
        "max_abs_score_diff": round(
            max(abs(a - b) for fr, hr in zip(full, half, strict=True) for a, b in zip(fr, hr, strict=True)), 3
        ),
        "same_choice": choice(full) == choice(half),
    }
    for key, value in report.items():
        print(f"{key:22s} {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
