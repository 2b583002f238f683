"""Labelled steps and runs for measuring critics, read from the store, plus ECLAIR-style synthetic negatives.

Ground truth is a Verdict(critic="checker") on a run (demo-suite hidden checkers, MiniWoB rewards) or a human
review. Synthetic negatives: a run cut short (final page = where it stopped), a skipped or shuffled step (for the
SOP judges), and a step whose "after" is its "before" (nothing happened).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eclair.types import Action, ActionResult, Decision, Observation, StepRecord, Task

log = logging.getLogger(__name__)

SCRIPTED_CORRECT = "scripted:correct"


@dataclass
class LabelledStep:
    before: Observation
    action: Action
    result: ActionResult | None
    after: Observation
    expected: str
    history: list[StepRecord]
    success: bool
    source: str  # "real" | "before==after" | "action failed"
    run_id: str = ""


@dataclass
class LabelledRun:
    task: Task
    trajectory: list[StepRecord]
    final: Observation
    success: bool
    source: str  # "checker:<agent>" | "synthetic:truncated" | "synthetic:skipped" | "synthetic:shuffled"
    run_id: str = ""
    kind: str = "completion"  # completion: the outcome matters; trajectory: only SOP adherence is wrong
    meta: dict[str, Any] = field(default_factory=dict)
    # False when the run ended on an action (e.g. a MiniWoB episode ended by its environment): the store holds
    # no observation after that action, so the final page and the last step's outcome are unknown
    final_known: bool = True
    verification: list[StepRecord] = field(default_factory=list)  # the verifier's re-reads after `done`
    family: str = ""  # the app or benchmark the task comes from: runs are held out by family

    def steps_for(self, critic: Any) -> list[StepRecord]:
        """The trajectory a critic sees: with the verification reads only if it asks for them."""
        if getattr(critic, "reads_verification", False):
            return [*self.trajectory, *self.verification]
        return self.trajectory


def family_of(task: Task, workflow: str | None = None) -> str:
    """`demos/helpdesk-create-ticket` → helpdesk; `miniwob/click-button` → miniwob; else the env's first part."""
    env = task.env or (f"demos/{workflow}" if workflow else "")
    kind, _, name = env.partition("/")
    if kind == "demos" and name:
        return name.split("-", 1)[0]
    return kind or "unknown"


def _with_screenshot(step: StepRecord, traces_root: Path) -> StepRecord:
    """Steps from the store carry a screenshot path; the visual diff needs the bytes back in the observation."""
    if step.screenshot_path and step.observation.screenshot is None:
        path = traces_root / step.screenshot_path
        if path.is_file():
            obs = step.observation.model_copy(update={"screenshot": path.read_bytes()})
            return step.model_copy(update={"observation": obs})
    return step


def _ground_truth(store: Any, run_id: str) -> bool | None:
    reviews = store.get_reviews(run_id) if hasattr(store, "get_reviews") else []
    if reviews:
        return bool(reviews[-1].decision == "approved")
    checker = [v for idx, v in store.get_verdicts(run_id) if idx is None and v.critic == "checker"]
    if not checker:
        return None
    return checker[-1].label == "pass"


def _done_step(index: int, obs: Observation) -> StepRecord:
    return StepRecord(
        index=index, observation=obs, decision=Decision(action=Action(kind="done")), result=ActionResult(ok=True)
    )


def _acted(trajectory: list[StepRecord]) -> list[StepRecord]:
    return [s for s in trajectory if s.result is not None and s.decision.action.kind not in {"done", "ask_human"}]


def relabel_steps(trajectory: list[StepRecord], final: Observation | None, rules: list[Any]) -> list[StepRecord]:
    """Step verdicts from today's step rules (not those recorded at run time), as the runner would record them.
    Without a final observation the last step keeps the verdicts recorded when it ran."""
    out: list[StepRecord] = []
    for i, step in enumerate(trajectory):
        action = step.decision.action
        if step.result is None or action.kind in {"done", "ask_human"}:
            out.append(step.model_copy(update={"verdicts": []}))
            continue
        if i + 1 == len(trajectory) and final is None:
            out.append(step)
            continue
        after = trajectory[i + 1].observation if i + 1 < len(trajectory) else final
        applicable = [r for r in rules if r.applies_to is None or action.kind in r.applies_to]
        verdicts = [
            r.check_step(step.observation, action, after, step.decision.expected_outcome, result=step.result,
                         history=out)
            for r in applicable
        ]  # fmt: skip
        out.append(step.model_copy(update={"verdicts": verdicts}))
    return out


def load_store_runs(store: Any, *, limit: int = 500, relabel: bool = True) -> list[LabelledRun]:
    """Every finished run with a checker verdict or a human review, as a labelled run."""
    from eclair.critics.rules import default_step_rules

    rules = default_step_rules()
    runs: list[LabelledRun] = []
    for info in store.list_runs(limit=limit):
        if info.status in {"pending", "running"}:
            continue
        success = _ground_truth(store, info.id)
        if success is None:
            continue
        recorded = store.get_steps(info.id, verification=True)
        verification = [s for s in recorded if s.verification]
        steps = [_with_screenshot(s, store.traces_root) for s in recorded if not s.verification]
        if not steps:
            continue
        task = store.get_task(info.id)
        final_known = steps[-1].decision.action.kind in {"done", "ask_human"}
        if relabel:
            steps = relabel_steps(steps, steps[-1].observation if final_known else None, rules)
        source = f"checker:{info.agent}"
        labelled = LabelledRun(task, steps, steps[-1].observation, success, source, info.id, final_known=final_known)
        labelled.verification, labelled.family = verification, family_of(task, info.workflow)
        runs.append(labelled)
    return runs


def steps_of(run: LabelledRun) -> list[tuple[StepRecord, Observation, list[StepRecord]]]:
    """(step, its after-observation, history before it) for every browser action of a run."""
    out = []
    records = run.trajectory
    for i, step in enumerate(records):
        if step.result is None or step.decision.action.kind in {"done", "ask_human"}:
            continue
        if i + 1 == len(records) and not run.final_known:
            continue  # what this last action did was never observed
        after = records[i + 1].observation if i + 1 < len(records) else run.final
        out.append((step, after, records[:i]))
    return out


def labelled_steps(runs: list[LabelledRun], rng: random.Random, *, per_run: int = 6) -> list[LabelledStep]:
    """Positives: steps of scripted-correct runs the checker passed. Negatives: the same steps with
    before == after, and any action the browser reported as failed."""
    out: list[LabelledStep] = []
    for run in runs:
        if run.source.startswith("synthetic"):
            continue
        triples = steps_of(run)
        for step, after, history in triples:
            if step.result is not None and not step.result.ok:
                out.append(_labelled(step, after, history, False, "action failed", run.run_id))
        if not (run.success and run.source == f"checker:{SCRIPTED_CORRECT}"):
            continue
        ok = [t for t in triples if t[0].result is not None and t[0].result.ok]
        for step, after, history in rng.sample(ok, min(per_run, len(ok))):
            out.append(_labelled(step, after, history, True, "real", run.run_id))
            if not _already_done(step):  # choosing what was already chosen rightly changes nothing
                out.append(_labelled(step, step.observation, history, False, "before==after", run.run_id))
    return out


def _already_done(step: StepRecord) -> bool:
    action, obs = step.decision.action, step.observation
    target = obs.element(action.element) if action.element else None
    if target is None:
        return False
    if action.kind == "select":
        return " ".join((target.value or "").split()).casefold() == " ".join((action.text or "").split()).casefold()
    if action.kind == "check":
        return ("checked" in target.states) == action.checked
    if action.kind == "type":
        return (target.value or "") == (action.text or "")
    return False


def _labelled(
    step: StepRecord, after: Observation, history: list[StepRecord], success: bool, source: str, run_id: str
) -> LabelledStep:
    result = step.result
    if source == "before==after" and result is not None:
        result = result.model_copy(update={"url_changed": False, "new_tab": False, "dialog": None, "download": None})
    return LabelledStep(
        step.observation,
        step.decision.action,
        result,
        after,
        step.decision.expected_outcome,
        history,
        success,
        source,
        run_id,
    )


def synthetic_runs(runs: list[LabelledRun], rng: random.Random) -> list[LabelledRun]:
    """ECLAIR-style negatives from successful runs: truncated (completion), skipped and shuffled (trajectory)."""
    out: list[LabelledRun] = []
    for run in runs:
        if not run.success or run.source.startswith("synthetic") or not run.final_known:
            continue
        acted = _acted(run.trajectory)
        if len(acted) < 2:
            continue
        # truncated: stopped before its last action, then claimed done on the page it had reached
        cut = rng.randrange(1, len(acted))
        kept = acted[:cut]
        stop_obs = acted[cut].observation
        out.append(
            LabelledRun(
                run.task,
                [*kept, _done_step(kept[-1].index + 1, stop_obs)],
                stop_obs,
                False,
                "synthetic:truncated",
                run.run_id,
                meta={"cut": cut},
            )
        )
        if not run.task.sop:
            continue
        drop = rng.randrange(len(acted))
        skipped = [s for i, s in enumerate(acted) if i != drop]
        out.append(
            LabelledRun(
                run.task,
                [*skipped, _done_step(len(acted), run.final)],
                run.final,
                False,
                "synthetic:skipped",
                run.run_id,
                kind="trajectory",
                meta={"dropped": drop},
            )
        )
        order = list(range(len(acted)))
        while order == sorted(order):
            rng.shuffle(order)
        shuffled = [acted[i].model_copy(update={"index": n}) for n, i in enumerate(order)]
        out.append(
            LabelledRun(
                run.task,
                [*shuffled, _done_step(len(acted), run.final)],
                run.final,
                False,
                "synthetic:shuffled",
                run.run_id,
                kind="trajectory",
                meta={"order": order},
            )
        )
    by_id = {r.run_id: r.family for r in runs}
    for made in out:
        made.family = by_id.get(made.run_id, "")
    return out
