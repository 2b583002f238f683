"""Rule-based task critics: evidence for "the task was done" read from the trajectory and the final page.

None of them reads the agent's rationale or its final answer text as evidence of success.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from eclair.critics.base import REFERENCE_CRITICS, CriticRole
from eclair.critics.diff import dom_diff
from eclair.critics.rules import ERROR_WORDS, _norm
from eclair.types import Action, Element, Observation, StepRecord, Task, Verdict

SUCCESS_WORDS = re.compile(
    r"\b(saved|created|submitted|success(fully)?|thank you|confirmed|updated|completed|approved|added|"
    r"has been|was (created|saved|updated|submitted|sent)|sent|booked|scheduled|assigned|closed|resolved|recorded|"
    r"registered|cancell?ed|rejected|suspended|exported|attached|uploaded|removed|deleted|changed)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[\"“”]([^\"“”]{1,120})[\"“”]")  # double quotes only: "Dental's ticket" is no quote
ENTRY_KINDS = {"type", "select", "check", "upload"}
_STOPWORD_TEXT = "the a an to of in on for and or with into from as by is it its this that be at your field button"
STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | {"then", "page", "form", "box", "new", "set", "up"}


def _verdict(critic: str, label: str, score: float, reason: str) -> Verdict:
    return Verdict(label=label, score=round(score, 3), reason=reason, critic=critic)  # type: ignore[arg-type]


SECRET_KEY = re.compile(r"pass(word)?|secret|token|api[_-]?key|otp|pin", re.IGNORECASE)
TICK_ROLES = {"checkbox", "radio", "switch"}
VALUE_ROLES = {"textbox", "searchbox", "combobox", "spinbutton", "slider"}  # shown: their value, not their options


def _mentions(text: str, value: str) -> bool:
    """`value` occurs in `text` as a whole word or phrase ("4" is not in "#1043")."""
    return bool(value) and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def task_values(task: Task) -> list[str]:
    """The concrete values a task asks for: its params and its quoted strings (deduplicated, in order).

    Secrets are left out: they are never compared, so they never reach a verdict's reason."""
    text = _norm(task.text)
    values = [
        str(v)
        for k, v in task.params.items()
        # a parameter the task text never mentions (an internal id, a file path) is not something to check
        if str(v).strip() and k not in task.secrets and not SECRET_KEY.search(k) and _mentions(text, _norm(str(v)))
    ]
    values = [v for v in values if not (v.isalpha() and v.islower() and len(v) <= 3)]  # "has", "yes": not values
    values += [m.strip() for m in QUOTED.findall(task.text) if m.strip()]
    seen: set[str] = set()
    return [v for v in values if not (_norm(v) in seen or seen.add(_norm(v)))]  # type: ignore[func-returns-value]


def page_text(obs: Observation) -> str:
    """What the page shows, normalised: text, headings, cells, links and field values (not a list's options)."""
    parts = [obs.title]
    for e in obs.elements:
        parts.append(e.value or "" if e.role in VALUE_ROLES or e.tag == "select" else e.name)
    return _norm(" | ".join(parts))


def _actions(trajectory: Sequence[StepRecord]) -> list[Action]:
    return [s.decision.action for s in trajectory if s.result is not None and s.result.ok]


def _final_attempts(trajectory: Sequence[StepRecord]) -> list[StepRecord]:
    last: dict[int, StepRecord] = {}
    for s in trajectory:
        if s.index not in last or s.attempt >= last[s.index].attempt:
            last[s.index] = s
    return [last[i] for i in sorted(last)]


class TaskRule:
    name = "rule.task"
    role: CriticRole = "effect"

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        raise NotImplementedError


def _entered(trajectory: Sequence[StepRecord]) -> list[str]:
    """What the run typed, chose or ticked (normalised), from actions the browser carried out."""
    out = []
    for step in trajectory:
        action = step.decision.action
        if step.result is None or not step.result.ok:
            continue
        if action.kind in {"type", "select"} and action.text:
            out.append(_norm(action.text))
        elif action.kind == "check" and action.checked and action.element:
            target = step.observation.element(action.element)
            if target is not None:
                out.append(_norm(target.name))
    return out


def _choices(observations: Sequence[Observation]) -> tuple[set[str], set[str]]:
    """(every option or tick-box label the run could pick, the ones that were picked when last seen)."""
    offered: set[str] = set()
    last_value: dict[str, str] = {}
    for obs in observations:
        for e in obs.elements:
            if e.options:
                offered.update(_norm(o) for o in e.options)
                last_value[f"{e.role}:{e.name}"] = _norm(e.value)
            elif e.role in TICK_ROLES:
                offered.add(_norm(e.name))
                last_value[f"{e.role}:{e.name}"] = _norm(e.name) if "checked" in e.states else ""
    return offered, set(last_value.values())


class TaskValuesRule(TaskRule):
    """Each value the task names was entered (typed, chosen, ticked) or, if it was not something to pick, is
    shown on the final page. A value the run could have picked but did not is missing."""

    name = "rule.task_values"

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        values = task_values(task)
        if not values:
            return _verdict(self.name, "unsure", 0.5, "the task names no concrete values")
        entered = _entered(trajectory)
        offered, picked = _choices([*(s.observation for s in trajectory), final])
        # shown at the end, or on the page where the run made its last click (a row it opened, a record it saved)
        clicks = [st for st in trajectory if st.decision.action.kind in {"click", "press"} and st.result is not None]
        shown = page_text(final) + (" | " + page_text(clicks[-1].observation) if clicks else "")
        missing, not_picked = [], []
        for value in values:
            v = _norm(value)
            if any(_mentions(e, v) for e in entered) or v in picked:
                continue
            if v in offered:
                not_picked.append(value)
            elif not _mentions(shown, v):
                missing.append(value)
        if not_picked or missing:
            found = len(values) - len(missing) - len(not_picked)
            reason = "; ".join(
                ([f"offered but never chosen: {not_picked[:3]}"] if not_picked else [])
                + ([f"never entered or shown: {missing[:3]}"] if missing else [])
            )
            # a value the page offered and the run did not pick is near-certain evidence of a wrong run
            score = 0.1 if not_picked else 0.05 + 0.3 * found / len(values)
            return _verdict(self.name, "fail", score, reason)
        entered_any = any(any(_mentions(e, _norm(v)) for e in entered) or _norm(v) in picked for v in values)
        start = page_text(trajectory[0].observation) if trajectory else ""
        if not entered_any and all(_mentions(start, _norm(v)) for v in values):
            # the values named the record to act on and were on screen from the start: no proof of the action
            return _verdict(self.name, "unsure", 0.5, "the task's values were on the start page; nothing entered")
        if all(_mentions(shown, _norm(v)) for v in values):
            return _verdict(self.name, "pass", 0.8, f"all {len(values)} task values entered and shown at the end")
        return _verdict(self.name, "pass", 0.7, f"all {len(values)} task values entered or shown")


class FinalPageRule(TaskRule):
    """The final page confirms success (a success message, no error) and differs from the start page."""

    name = "rule.final_page"

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        start = trajectory[0].observation if trajectory else None
        start_text = page_text(start) if start else ""
        errors = [
            e.name or e.role
            for e in final.elements
            if "invalid" in e.states or (ERROR_WORDS.search(e.name or "") and _norm(e.name) not in start_text)
        ]
        if errors:
            return _verdict(self.name, "fail", 0.1, f"final page shows an error: {errors[0][:100]!r}")
        if start is not None and start.url == final.url and dom_diff(start, final).empty:
            return _verdict(self.name, "fail", 0.1, "the final page is the start page, unchanged")
        fresh = [
            e.name for e in final.elements if SUCCESS_WORDS.search(e.name or "") and _norm(e.name) not in start_text
        ]

        if fresh:
            return _verdict(self.name, "pass", 0.8, f"success message: {fresh[0][:100]!r}")
        return _verdict(self.name, "unsure", 0.5, "no success or error message on the final page")


class FinishedRule(TaskRule):
    """The run ended because the agent finished (not out of steps, not on a failed action)."""

    name = "rule.finished"
    role: CriticRole = "guard"

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        if not trajectory:
            return _verdict(self.name, "fail", 0.02, "no steps were taken")
        last = trajectory[-1]
        if last.decision.action.kind == "ask_human":
            return _verdict(self.name, "fail", 0.15, "the run stopped to ask a person")
        if last.decision.action.kind != "done":
            # out of steps, or ended by its environment (MiniWoB episodes end themselves): no evidence either way
            return _verdict(self.name, "unsure", 0.4, f"the run stopped after {last.decision.action.describe()}")
        acted = [s for s in trajectory if s.result is not None and s.decision.action.kind not in {"done", "ask_human"}]
        if not acted:
            return _verdict(self.name, "fail", 0.1, "finished without taking any action")
        final_action = acted[-1].decision.action
        if final_action.kind in {"type", "select", "check", "upload"} and not final_action.enter:
            # entered data and stopped: nothing was submitted or saved
            return _verdict(self.name, "fail", 0.2, f"ended right after {final_action.kind} without submitting")
        return _verdict(self.name, "pass", 0.55, "the agent finished after submitting")


class StepVerdictsRule(TaskRule):
    """The step critics' labels of the last steps: a final attempt that failed sinks the run."""

    name = "rule.step_verdicts"
    role: CriticRole = "guard"

    def __init__(self, last_n: int = 3) -> None:
        self.last_n = last_n

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        from eclair.critics.panel import STEP_THRESHOLD, combine

        acted = [s for s in _final_attempts(trajectory) if s.decision.action.kind not in {"done", "ask_human"}]
        judged = [(s, [v for v in s.verdicts if v.critic not in REFERENCE_CRITICS]) for s in acted[-self.last_n :]]
        judged = [(s, vs) for s, vs in judged if vs]
        if not judged:
            return _verdict(self.name, "unsure", 0.5, "no step verdicts recorded")
        labels = [(s, combine(vs, threshold=STEP_THRESHOLD)) for s, vs in judged]
        failed = [(s, v) for s, v in labels if v.label == "fail"]
        if failed:
            s, v = failed[-1]
            return _verdict(self.name, "fail", 0.15, f"step {s.index} failed: {v.reason[:100]}")
        return _verdict(self.name, "pass", 0.6, f"last {len(labels)} steps passed their critics")


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9@.\-]+", _norm(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())}


_VERB_TEXT = "click type choose select tick untick check open attach press enter fill pick link option tab"
SOP_VERBS = frozenset(_VERB_TEXT.split())


def _label(e: Element) -> str:
    """The accessible name without a select's option list (observe appends the options to the label)."""
    if e.options and e.options[0] and f" {e.options[0]}" in e.name:
        return e.name[: e.name.index(f" {e.options[0]}")]
    return e.name


def _action_text(step: StepRecord) -> str:
    """Normalised: the typed/chosen text, the target's label and, for a click, the text of the target's row."""
    action, obs = step.decision.action, step.observation
    parts = [action.text or "", action.url or "", action.key or "", *(f.rsplit("/", 1)[-1] for f in action.files)]
    target = obs.element(action.element) if action.element else None
    if target is not None:
        parts += [_label(target), target.placeholder]
        if action.kind == "click":
            middle = target.bbox[1] + target.bbox[3] / 2
            parts += [e.name for e in obs.elements if e.role == "cell" and e.bbox[1] <= middle <= e.bbox[1] + e.bbox[3]]
    return _norm(" | ".join(parts))


def _sop_step_done_by(sop_step: str, text: str) -> bool:
    """A SOP step is done by an action when every quoted name/value of the step is in the action's text;
    an unquoted step needs half its content words."""
    quoted = [_norm(q.rsplit("/", 1)[-1]) for q in QUOTED.findall(sop_step)]  # a file path: its name
    if quoted:
        return all(_mentions(text, q) for q in quoted)
    wanted = _content_words(sop_step) - SOP_VERBS
    return bool(wanted) and len(wanted & _content_words(text)) * 2 >= len(wanted)


class SopRule(TaskRule):
    """Trajectory vs SOP: each SOP step is matched to an action in order; unmatched steps were skipped."""

    name = "rule.sop"

    def __init__(self, min_coverage: float = 0.75) -> None:
        self.min_coverage = min_coverage

    def check_task(self, task: Task, trajectory: list[StepRecord], final: Observation) -> Verdict:
        if not task.sop:
            return _verdict(self.name, "unsure", 0.5, "no SOP to compare with")
        # every action the browser carried out counts, retried attempts included: their effects happened
        acted = [s for s in trajectory if s.result is not None and s.result.ok]
        acted = [s for s in acted if s.decision.action.kind not in {"done", "ask_human", "wait", "scroll"}]
        texts = [_action_text(s) for s in acted]
        cursor, skipped, out_of_order = 0, [], []
        for n, sop_step in enumerate(task.sop, start=1):
            hits = [i for i, text in enumerate(texts) if _sop_step_done_by(sop_step, text)]
            if not hits:
                skipped.append(n)
                continue
            later = [i for i in hits if i >= cursor - 1]  # one action may satisfy two SOP steps (type + pick)
            if later:
                cursor = later[0] + 1
            else:
                out_of_order.append(n)
        matched = len(task.sop) - len(skipped)
        coverage = matched / len(task.sop)
        problems = ([f"skipped steps {skipped}"] if skipped else []) + (
            [f"out of order {out_of_order}"] if out_of_order else []
        )
        if len(task.sop) in skipped:
            return _verdict(self.name, "fail", 0.15, f"the last SOP step was not done; {'; '.join(problems)}")
        if coverage < self.min_coverage or len(out_of_order) > 1:
            return _verdict(self.name, "fail", 0.1 + 0.3 * coverage, "; ".join(problems))
        if skipped:  # a skipped step may have been redundant, so no veto, but it is evidence against the run
            return _verdict(self.name, "fail", 0.3, "; ".join(problems))
        if problems:
            return _verdict(self.name, "unsure", 0.5, "; ".join(problems))
        return _verdict(self.name, "pass", 0.8, f"all {len(task.sop)} SOP steps done in order")


def default_task_rules() -> list[TaskRule]:
    return [TaskValuesRule(), FinalPageRule(), FinishedRule(), StepVerdictsRule(), SopRule()]
