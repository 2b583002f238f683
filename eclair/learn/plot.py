"""The learning curve: held-out success per round (and rollout success), as a PNG."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eclair.learn.rounds import ImproveResult


def plot_rounds(result: ImproveResult, out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rounds = [0] + [m.round for m in result.rounds]
    heldout = [result.base_heldout] + [m.heldout_after for m in result.rounds]
    promoted = [result.base_heldout]
    for m in result.rounds:
        promoted.append(m.heldout_after if m.promoted else promoted[-1])
    rollouts = [None] + [m.rollout_success for m in result.rounds]
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(rounds, heldout, marker="o", label="held-out seeds: candidate")
    ax.plot(rounds, promoted, marker="s", linestyle="--", label="held-out seeds: promoted")
    ax.plot(rounds[1:], rollouts[1:], marker="^", label="rollout seeds (sampled)")
    ax.set_xlabel("round")
    ax.set_ylabel("success rate")
    ax.set_ylim(0, 1.05)
    ax.set_xticks(rounds)
    title = f"eclair improve: {result.config.suite.replace(',', ', ')} (reward={result.config.reward})"
    ax.set_title(textwrap.fill(title, 72), fontsize=9)  # a long task list wraps instead of running off the figure
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
