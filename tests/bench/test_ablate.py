"""`eclair bench ablate`: the model's share from stored feature vectors, the per-feature success change, the CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from eclair.bench.ablate import ablate_suite, ablation_table, decided_by
from eclair.bench.harness import EpisodeResult, SuiteResult
from eclair.cli import app
from eclair.errors import EclairError
from eclair.types import Action, Candidate, Decision, Observation, StepRecord


def _step(*cands: tuple[float, dict[str, float]]) -> StepRecord:
    made = [
        Candidate(action=Action(kind="click", element=str(i)), text=f"c{i}", score=s, features=f)
        for i, (s, f) in enumerate(cands)
    ]
    return StepRecord(
        index=0, observation=Observation(url="u"), decision=Decision(action=made[0].action, candidates=made)
    )


def test_the_model_decides_a_step_when_its_choice_changes_without_the_model_feature() -> None:
    weights = {"pmi": 1.0, "novelty": 0.5}
    by_model = _step((2.5, {"pmi": 2.0, "novelty": 1.0}), (1.0, {"novelty": 2.0}))  # without pmi: 0.5 < 1.0
    by_rules = _step((3.0, {"pmi": 0.5, "novelty": 5.0}), (0.0, {"pmi": 0.0}))
    single = _step((1.0, {"pmi": 1.0}))  # one candidate: no decision
    assert decided_by([by_model, by_rules, single], weights) == (1, 2)


def _result(rates: dict[str, bool]) -> SuiteResult:
    return SuiteResult(
        env_order=list(rates), results=[EpisodeResult(env=e, seed=0, episode=0, success=ok) for e, ok in rates.items()]
    )


def test_each_feature_off_in_turn_reports_the_change_and_the_tasks_that_moved() -> None:
    outcomes = {(): {"a": True, "b": True}, ("pmi",): {"a": False, "b": True}, ("novelty",): {"a": True, "b": True}}
    seen: list[list[str]] = []

    def run(disabled: list[str]) -> SuiteResult:
        seen.append(disabled)
        return _result(outcomes[tuple(disabled)])

    steps = [_step((2.5, {"pmi": 2.0}), (1.0, {"novelty": 2.0}))]
    out = ablate_suite("s", ["pmi", "novelty"], {"pmi": 1.0, "novelty": 0.5}, run, lambda _: steps)
    assert seen == [[], ["pmi"], ["novelty"]]
    assert out.baseline == 1.0 and out.model_share == 1.0 and out.decisions == 1
    assert [(r.feature, r.delta, r.changed_tasks) for r in out.rows] == [("pmi", -0.5, ["a"]), ("novelty", 0.0, [])]
    table = ablation_table([out])
    assert "| pmi | -50.0% |" in table and "model's share of decisions | 100.0% of 1" in table


def test_an_unknown_feature_is_a_one_line_error() -> None:
    result = CliRunner().invoke(app, ["bench", "ablate", "--suite", "click-button", "--features", "nope"])
    assert isinstance(result.exception, EclairError)  # main() prints it as one `error:` line and exits 2
    assert result.exception.exit_code == 2 and "unknown feature(s) nope" in str(result.exception)
