"""Mine stored runs into training examples: successful, de-duplicated, capped per task; DPO pairs at equal prompts;
rank rows (the chosen candidate among the scored siblings, for the listwise objective of eclair/learn/rank.py).

Labels come from the critics (`reward="critic"`, the product's mode: human reviews override them) or from the
benchmark's hidden checker (`reward="env"`, to measure the ceiling). Nothing here reads a checker in critic mode.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from eclair.store import Store
from eclair.store.info import RunInfo
from eclair.types import StepRecord

Reward = Literal["critic", "env"]


@dataclass
class LabelledRun:
    run: RunInfo
    steps: list[StepRecord]
    success: bool


@dataclass
class Mined:
    sft: list[dict[str, str]] = field(default_factory=list)  # {"prompt", "completion"}
    dpo: list[dict[str, str]] = field(default_factory=list)  # {"prompt", "chosen", "rejected"}
    rank: list[dict[str, Any]] = field(default_factory=list)  # {"prompt", "candidates", "offsets", "chosen"}
    runs_used: list[str] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def run_success(store: Store, run: RunInfo, reward: Reward) -> bool:
    """Is this run a success under the chosen reward? Critic mode: a human review wins over the critics."""
    if reward == "env":
        checker = [v for _, v in store.get_verdicts(run.id) if v.critic == "checker"]
        return bool(checker) and checker[-1].label == "pass"
    if run.review is not None:
        return run.review == "approved"
    return run.status == "succeeded" and run.label == "pass"


def label_runs(store: Store, runs: Iterable[RunInfo], reward: Reward) -> list[LabelledRun]:
    return [LabelledRun(run=r, steps=store.get_steps(r.id), success=run_success(store, r, reward)) for r in runs]


def good_steps(steps: list[StepRecord]) -> list[StepRecord]:
    """Steps that executed cleanly and were scored by the model (rule-made decisions have no prompt)."""
    return [s for s in steps if s.result is not None and s.result.ok and not s.feedback and s.decision.prompt]


def action_signature(steps: list[StepRecord]) -> str:
    text = "\n".join(s.decision.completion or s.decision.action.describe() for s in steps if not s.feedback)
    return hashlib.sha1(text.encode()).hexdigest()


def mine(labelled: list[LabelledRun], *, cap_per_task: int = 10) -> Mined:
    """Successful runs → SFT pairs, deduped by action sequence and capped per task; equal prompts → DPO pairs.

    The completion is the exact continuation the agent scored after the exact prompt it saw."""
    out = Mined()
    per_task: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, str]] = set()
    duplicates = capped = 0
    for item in labelled:
        if not item.success:
            continue
        task_key = item.run.env or item.run.workflow or item.run.task_text
        signature = (task_key, action_signature(item.steps))
        if signature in seen:
            duplicates += 1
            continue
        if per_task[task_key] >= cap_per_task:
            capped += 1
            continue
        seen.add(signature)
        per_task[task_key] += 1
        out.runs_used.append(item.run.id)
        for step in good_steps(item.steps):
            out.sft.append({"prompt": step.decision.prompt, "completion": step.decision.completion})
            row = rank_row(step)
            if row is not None:
                out.rank.append(row)
    out.dpo = dpo_pairs(labelled)
    out.stats = {
        "runs": len(labelled),
        "successful": sum(i.success for i in labelled),
        "used": len(out.runs_used),
        "duplicates": duplicates,
        "capped": capped,
        "sft_examples": len(out.sft),
        "dpo_pairs": len(out.dpo),
        "rank_examples": len(out.rank),
        "tasks": len(per_task),
    }
    return out


def rank_row(step: StepRecord) -> dict[str, Any] | None:
    """The step's decision as a listwise example: every candidate's exact scored continuation, the offset the agent
    added to its log-likelihood (score - raw_score: PMI prior and heuristics, kept constant in training) and the
    index of the chosen one. None when fewer than two candidates were scored or the chosen one is ambiguous."""
    decision = step.decision
    scored = [c for c in decision.candidates if c.raw_score is not None]
    if len(scored) < 2 or not decision.completion:
        return None
    # The chat template scores the text itself, plain prompts a space first (agents/scoring_agent/prompt.py).
    chat = [i for i, c in enumerate(scored) if c.text == decision.completion]
    plain = [i for i, c in enumerate(scored) if " " + c.text == decision.completion]
    if bool(chat) == bool(plain):
        return None
    matches = chat or plain
    if len(matches) > 1:  # the same text twice: the executed action tells them apart
        matches = [i for i in matches if scored[i].action == decision.action]
    if len(matches) != 1:
        return None
    prefix = "" if chat else " "
    return {
        "prompt": decision.prompt,
        "candidates": [prefix + c.text for c in scored],
        "offsets": [c.score - (c.raw_score or 0.0) for c in scored],
        "chosen": matches[0],
    }


def dpo_pairs(labelled: list[LabelledRun]) -> list[dict[str, str]]:
    """At the same prompt (same state and history), a step of a successful run beats a different one from a
    failed run, and a retried step's failed attempt loses to the attempt that worked."""
    chosen: dict[str, str] = {}
    rejected: dict[str, set[str]] = defaultdict(set)
    for item in labelled:
        for step in item.steps:
            prompt, completion = step.decision.prompt, step.decision.completion
            if not prompt or not completion:
                continue
            clean = step.result is not None and step.result.ok and not step.feedback
            if item.success and clean:
                chosen.setdefault(prompt, completion)
            elif not item.success or not clean:
                rejected[prompt].add(completion)
    pairs = []
    for prompt, good in chosen.items():
        for bad in sorted(rejected.get(prompt, ())):
            if bad != good:
                pairs.append({"prompt": prompt, "chosen": good, "rejected": bad})
    return pairs
