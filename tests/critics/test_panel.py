"""combine() and the panel's order of work: rules first, the judge only when they are inconclusive."""

from __future__ import annotations

from eclair.bench.critic_metrics import calibrate_threshold, pr_curve, precision_at_recall, score_labels
from eclair.critics import CriticPanel, combine, default_panel
from eclair.critics.rules import default_step_rules
from eclair.types import Action, ActionResult, Element, Observation, Verdict


def v(label: str, score: float, critic: str = "c") -> Verdict:
    return Verdict(label=label, score=score, reason=label, critic=critic)  # type: ignore[arg-type]


def test_combine_needs_a_decided_verdict() -> None:
    assert combine([]).label == "unsure"
    assert combine([v("unsure", 0.5), v("unsure", 0.5)]).label == "unsure"


def test_combine_confident_fail_vetoes_passes() -> None:
    out = combine([v("pass", 0.9, "a"), v("pass", 0.9, "b"), v("fail", 0.05, "rule.action_ok")])
    assert out.label == "fail" and "rule.action_ok" in out.reason


def test_combine_threshold_and_review_band() -> None:
    assert combine([v("pass", 0.8), v("pass", 0.7)], threshold=0.7).label == "pass"
    assert combine([v("pass", 0.8), v("fail", 0.4)], threshold=0.7).label == "unsure"  # mean 0.6: human review
    assert combine([v("fail", 0.25), v("fail", 0.3)], threshold=0.7).label == "fail"


def test_combine_ignores_ground_truth() -> None:
    """The checker's verdict and a previous combined label never vote."""
    out = combine([v("pass", 1.0, "checker"), v("pass", 1.0, "combined"), v("fail", 0.3, "rule.x")], threshold=0.6)
    assert out.label == "fail"


def test_combine_weights() -> None:
    verdicts = [v("pass", 0.9, "strong"), v("fail", 0.3, "weak")]
    assert combine(verdicts, threshold=0.7).label == "unsure"
    assert combine(verdicts, threshold=0.7, weights={"strong": 4.0, "weak": 1.0}).label == "pass"


FIELD_EMPTY = Observation(url="http://a.test/", elements=[Element(id="1", role="textbox", name="Name", value="")])
FIELD_FULL = Observation(url="http://a.test/", elements=[Element(id="1", role="textbox", name="Name", value="Ann")])


class CountingJudge:
    """A step critic with the judge role that records when the panel consults it."""

    name = "judge.count"
    role = "judge"

    def __init__(self) -> None:
        self.calls = 0

    def check_step(self, before, action, after, expected="", *, result=None, history=()):  # type: ignore[no-untyped-def]
        self.calls += 1
        return v("unsure", 0.5, self.name)


def test_panel_skips_judge_when_rules_decide() -> None:
    judge = CountingJudge()
    panel = CriticPanel([*default_step_rules(), judge], [])
    typed = Action(kind="type", element="1", text="Ann")
    verdicts = panel.check_step(FIELD_EMPTY, typed, ActionResult(ok=True), FIELD_FULL, "", [])
    assert judge.calls == 0
    assert combine(verdicts).label == "pass"
    verdicts = panel.check_step(FIELD_EMPTY, typed, ActionResult(ok=True), FIELD_EMPTY, "", [])
    assert judge.calls == 0 and combine(verdicts).label == "fail"  # the typed-value rule settles it


def test_panel_asks_judge_when_only_guards_spoke() -> None:
    judge = CountingJudge()
    panel = CriticPanel([*default_step_rules(), judge], [])
    verdicts = panel.check_step(
        FIELD_EMPTY, Action(kind="hover", element="1"), ActionResult(ok=True), FIELD_EMPTY, "", []
    )
    assert judge.calls == 1 and any(x.critic == "judge.count" for x in verdicts)


def test_panel_survives_a_crashing_critic() -> None:
    class Broken:
        name = "rule.broken"

        def check_step(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("bug")

    panel = CriticPanel([Broken()], [])
    verdicts = panel.check_step(FIELD_EMPTY, Action(kind="hover", element="1"), None, FIELD_EMPTY, "", [])
    assert verdicts[0].label == "unsure" and "bug" in verdicts[0].reason


def test_default_panel_without_judge_has_no_model() -> None:
    panel = default_panel()
    assert not [c for c in [*panel.step_critics, *panel.task_critics] if getattr(c, "role", "") == "judge"]
    assert panel.check_step(FIELD_EMPTY, Action(kind="done"), ActionResult(ok=True), FIELD_EMPTY, "", []) == []


def test_metrics_by_hand() -> None:
    scores = [0.9, 0.8, 0.7, 0.6, 0.2]
    truth = [True, True, False, True, False]
    curve = pr_curve(scores, truth)
    assert curve[0] == (0.9, 1.0, 1 / 3)
    assert precision_at_recall(scores, truth, 0.6) == (1.0, 0.8)
    assert precision_at_recall(scores, truth, 1.0) == (0.75, 0.6)
    assert calibrate_threshold(scores, truth, 0.95) == 0.8
    s = score_labels(["pass", "pass", "pass", "unsure", None], scores, truth)
    assert (s.tp, s.fp, s.decided) == (2, 1, 3)
    assert abs(s.precision - 2 / 3) < 1e-9 and abs(s.recall - 2 / 3) < 1e-9  # type: ignore[operator]


def test_guard_passes_do_not_dilute_evidence() -> None:
    """'No problem seen' from a guard does not pull a verified effect below the threshold."""
    verdicts = [
        v("pass", 0.95, "rule.typed_value"),
        v("pass", 0.55, "rule.no_repeat"),
        v("pass", 0.55, "rule.page_loaded"),
    ]
    assert combine(verdicts).score == 0.95
    only_guards = [v("pass", 0.55, "rule.no_repeat"), v("pass", 0.55, "rule.page_loaded")]
    assert combine(only_guards).label == "unsure"
