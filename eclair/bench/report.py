"""Benchmark reports from a SuiteResult: JSON, a markdown table and a PNG bar chart (any suite, not just MiniWoB)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from eclair.bench.harness import EpisodeResult, SuiteResult

log = logging.getLogger(__name__)


def markdown_table(result: SuiteResult, title: str = "") -> str:
    """Per-task success rate, mean steps, mean wall time and tokens, then the mean over tasks."""
    lines = []
    if title:
        lines += [f"### {title}", ""]
    lines += [
        f"agent `{result.agent}`, backend `{result.backend or '-'}`, model `{result.model or '-'}`, "
        f"{result.episodes_per_task} episode(s)/task from seed {result.seed}, {result.workers} worker(s), "
        f"{result.wall_s:.0f} s wall",
        "",
        "| task | episodes | success | mean steps | mean wall (s) | mean tokens | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in result.per_task:
        lines.append(
            f"| {t.env} | {t.episodes} | {t.success_rate:.0%} | {t.mean_steps:.1f} | {t.mean_wall_s:.1f} "
            f"| {t.mean_tokens:.0f} | {t.errors} |"
        )
    errors = sum(t.errors for t in result.per_task)
    lines.append(
        f"| **mean over {len(result.per_task)} tasks** | {result.episodes} | **{result.mean_success:.1%}** "
        f"| {result.mean_steps:.1f} | {result.mean_wall_s:.1f} | {result.mean_tokens:.0f} | {errors} |"
    )
    return "\n".join(lines) + "\n"


def plot_success(result: SuiteResult, out_png: Path, title: str = "") -> Path:
    """A horizontal bar chart of per-task success with the mean over tasks as a line."""
    import matplotlib

    matplotlib.use("Agg")  # no display here; must precede pyplot
    import matplotlib.pyplot as plt

    tasks = result.per_task
    names = [t.env.split("/", 1)[-1] for t in tasks]
    rates = [100 * t.success_rate for t in tasks]
    fig, ax = plt.subplots(figsize=(7, max(2.0, 0.28 * len(tasks) + 1.2)))
    ax.barh(range(len(tasks)), rates, color="#4c72b0")
    ax.set_yticks(range(len(tasks)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("success (%)")
    mean = 100 * result.mean_success
    ax.axvline(mean, color="#c44e52", linestyle="--", label=f"mean {mean:.1f}%")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title or f"{result.suite or 'suite'}: {result.agent} / {result.model or result.backend}", fontsize=9)
    fig.tight_layout()
    out_png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_png, dpi=110)
    plt.close(fig)
    return out_png


def write_report(
    result: SuiteResult, out_json: Path | None, title: str = "", *, out_png: Path | None = None
) -> tuple[str, str, Path | None]:
    """Write JSON (when a path is given) and a PNG beside it; return (json text, markdown table, png path)."""
    text = json.dumps(result.model_dump(mode="json"), indent=2)
    table = markdown_table(result, title)
    if out_json is not None:
        out_json.parent.mkdir(parents=True, exist_ok=True)
        out_json.write_text(text)
        out_png = out_png or out_json.with_suffix(".png")
    png = plot_success(result, out_png, title) if out_png is not None and result.results else None
    return text, table, png


def load_result(path: Path) -> SuiteResult:
    """Read a report JSON back (computed aggregates are recomputed from the episodes)."""
    data = json.loads(path.read_text())
    for key in ("per_task", "mean_success", "episodes", "mean_steps", "mean_wall_s", "mean_tokens"):
        data.pop(key, None)
    return SuiteResult.model_validate(data)


def result_from_episodes(path: Path, **meta: object) -> SuiteResult:
    """Rebuild a SuiteResult from the `.episodes.jsonl` a run writes as it goes (e.g. after an interrupted run)."""
    rows = [EpisodeResult.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]
    order = list(dict.fromkeys(r.env for r in rows))
    return SuiteResult.model_validate({**meta, "env_order": order, "results": [r.model_dump() for r in rows]})
