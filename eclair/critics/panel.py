"""The critic panel: runs the cheap rules first, asks a model judge only when they are inconclusive, and
combines verdicts into one label with a calibrated threshold ("unsure" goes to human review)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from eclair.critics.base import GUARD_CRITICS, REFERENCE_CRITICS, StepCritic, TaskCritic
from eclair.types import Action, ActionResult, Observation, StepRecord, Task, Verdict

log = logging.getLogger(__name__)

# Calibrated on `eclair bench critic` (see benchmarks/results/critics.md): the lowest combined task score whose
# precision stays ≥ 0.95 on the demo-suite set.
TASK_THRESHOLD = 0.733
STEP_THRESHOLD = 0.733
VETO_SCORE = 0.2  # a fail this confident decides the label alone (e.g. the browser reported an error)


def combine(
    verdicts: Sequence[Verdict],
    *,
    threshold: float = TASK_THRESHOLD,
    veto: float = VETO_SCORE,
    weights: Mapping[str, float] | None = None,
    critic: str = "combined",
) -> Verdict:
    """One label from many: a confident fail vetoes; else the weighted mean score of the decided verdicts (guard
    passes left out when other critics decided) is pass at ≥ threshold, fail at ≤ 1 - threshold, and unsure
    between (or when nobody decided)."""
    usable = [v for v in verdicts if v.critic not in REFERENCE_CRITICS and v.critic != critic]
    decided = [v for v in usable if v.label != "unsure"]
    if not decided:
        return Verdict(label="unsure", score=0.5, reason="no critic was conclusive", critic=critic)
    vetoes = [v for v in decided if v.label == "fail" and v.score <= veto]
    if vetoes:
        worst = min(vetoes, key=lambda v: v.score)
        return Verdict(label="fail", score=worst.score, reason=f"{worst.critic}: {worst.reason}", critic=critic)
    evidence = [v for v in decided if not (v.label == "pass" and v.critic in GUARD_CRITICS)]
    decided = evidence or decided  # "no problem seen" is not evidence of success when real evidence exists
    weights = weights or {}
    total = sum(weights.get(v.critic, 1.0) for v in decided)
    score = sum(weights.get(v.critic, 1.0) * v.score for v in decided) / total if total else 0.5
    if score >= threshold:
        label = "pass"
    elif score <= 1.0 - threshold:
        label = "fail"
    else:
        label = "unsure"
    fails = [v for v in decided if v.label == "fail"]
    lead = min(fails, key=lambda v: v.score) if label != "pass" and fails else max(decided, key=lambda v: v.score)
    reason = f"{len(decided)}/{len(usable)} decided, score {score:.2f}; {lead.critic}: {lead.reason}"
    return Verdict(label=label, score=round(score, 3), reason=reason, critic=critic)  # type: ignore[arg-type]


def _role(critic: Any) -> str:
    return str(getattr(critic, "role", "effect"))


def _applies(critic: Any, action: Action) -> bool:
    kinds = getattr(critic, "applies_to", None)
    return kinds is None or action.kind in kinds


def _safe(critic: Any, call: Any) -> Verdict:
    """A crashing critic must not crash the run: it counts as unsure and is logged."""
    try:
        verdict: Verdict = call()
    except Exception as exc:  # any critic bug becomes an unsure verdict; the run goes on
        log.exception("critic %s failed", getattr(critic, "name", critic))
        return Verdict(label="unsure", score=0.5, reason=f"critic error: {exc}", critic=getattr(critic, "name", "?"))
    return verdict


class CriticPanel:
    """Step critics run after every action (rules first, judges only if needed); task critics at the end."""

    def __init__(
        self,
        step_critics: list[StepCritic],
        task_critics: list[TaskCritic],
        *,
        step_threshold: float = STEP_THRESHOLD,
        task_threshold: float = TASK_THRESHOLD,
        judge_always: bool = False,
        verifier: Any | None = None,
        combiner: Any | None = None,
    ) -> None:
        self.step_critics = step_critics
        self.task_critics = task_critics
        self.verifier = verifier  # re-reads the result after `done` (eclair.critics.verify.Verifier)
        self.combiner = combiner  # a rule learned from labelled runs; None: combine() with the threshold
        self.step_threshold = step_threshold
        self.task_threshold = task_threshold
        self.judge_always = judge_always  # True: call model judges even when the rules decided (benchmarks)

    def check_step(
        self,
        before: Observation,
        action: Action,
        result: ActionResult | None,
        after: Observation,
        expected: str,
        history: Sequence[StepRecord],
    ) -> list[Verdict]:
        """Per-critic verdicts for one step; `combine(verdicts, threshold=panel.step_threshold)` labels it."""
        if action.kind in {"done", "ask_human"}:
            return []  # not browser actions: the task critics judge a final answer
        rules = [c for c in self.step_critics if _role(c) != "judge" and _applies(c, action)]
        judges = [c for c in self.step_critics if _role(c) == "judge" and _applies(c, action)]
        verdicts = [
            _safe(c, lambda c=c: c.check_step(before, action, after, expected, result=result, history=history))
            for c in rules
        ]
        if judges and (self.judge_always or _inconclusive(rules, verdicts, self.step_threshold)):
            verdicts += [
                _safe(j, lambda j=j: j.check_step(before, action, after, expected, result=result, history=history))
                for j in judges
            ]
        return verdicts

    def needs_pixels(
        self, before: Observation, action: Action, result: ActionResult | None, after: Observation
    ) -> bool:
        """Whether any step critic must see `after`'s screenshot for this step. A critic that does not say
        (no `needs_pixels`) is assumed to need it."""
        if action.kind in {"done", "ask_human"}:
            return False
        for critic in self.step_critics:
            if not _applies(critic, action):
                continue
            ask = getattr(critic, "needs_pixels", None)
            if ask is None or ask(before, action, after, result):
                return True
        return False

    def verify(self, task: Task, trajectory: list[StepRecord], final: Observation, page: Any) -> list[StepRecord]:
        """Re-read the run's result (a separate tab) before it is labelled; the reads, marked `verification`."""
        if self.verifier is None:
            return []
        try:
            records: list[StepRecord] = self.verifier.collect(task, trajectory, final, page)
        except Exception:  # a verifier bug must not fail the run; its critic then reports unsure
            log.exception("verification failed")
            return []
        return records

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> list[Verdict]:
        """Per-critic verdicts for the whole run; `panel.label_task(verdicts)` labels it. Only critics that say
        `reads_verification` see the verification steps; the others judge the agent's steps alone."""
        agent_steps = [s for s in trajectory if not s.verification]

        def call(c: Any) -> Verdict:
            steps = trajectory if getattr(c, "reads_verification", False) else agent_steps
            return _safe(c, lambda: c.check_task(task, steps, final))

        rules = [c for c in self.task_critics if _role(c) != "judge"]
        judges = [c for c in self.task_critics if _role(c) == "judge"]
        verdicts = [call(c) for c in rules]
        if judges and (self.judge_always or _inconclusive(rules, verdicts, self.task_threshold)):
            verdicts += [call(j) for j in judges]
        return verdicts

    def label_step(self, verdicts: Sequence[Verdict]) -> Verdict:
        return combine(verdicts, threshold=self.step_threshold)

    def label_task(self, verdicts: Sequence[Verdict]) -> Verdict:
        if self.combiner is not None:
            return self.combiner.label(verdicts)  # type: ignore[no-any-return]
        return combine(verdicts, threshold=self.task_threshold)


def _inconclusive(critics: Sequence[Any], verdicts: Sequence[Verdict], threshold: float) -> bool:
    """The rules settle it when they combine to a label and an effect rule (not only guards) decided."""
    if combine(verdicts, threshold=threshold).label == "unsure":
        return True
    if any(v.label == "fail" and v.score <= VETO_SCORE for v in verdicts):
        return False
    return not any(_role(c) == "effect" and v.label != "unsure" for c, v in zip(critics, verdicts, strict=True))


def default_panel(judge: Any | None = None) -> CriticPanel:
    """Rules for every step and run; with a Backend, model judges for inconclusive steps and runs."""
    from eclair.critics.combiner import load_combiner
    from eclair.critics.rules import default_step_rules
    from eclair.critics.task_rules import default_task_rules
    from eclair.critics.verify import VerificationCritic, Verifier

    step: list[StepCritic] = list(default_step_rules())
    task: list[TaskCritic] = [*default_task_rules(), VerificationCritic()]
    if judge is not None:
        from eclair.critics.judges import CompletionJudge, SopJudge, StepJudge

        step.append(StepJudge(judge))
        task += [CompletionJudge(judge), SopJudge(judge)]
    return CriticPanel(step, task, verifier=Verifier(), combiner=load_combiner())
