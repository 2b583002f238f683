"""The policy's parts: the feature registry, the weights file and its fit, loops without progress, the one hard
filter, finishing a click-only task, and feature vectors kept with each step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agents.scoring_agent.agent import ScoringAgent
from agents.scoring_agent.features import FEATURE_NAMES, FEATURES, MODEL_FEATURE
from agents.scoring_agent.loops import stuck_cycle
from agents.scoring_agent.weights import WEIGHTS_FILE, Weights, WeightsError, fit_weights, load_weights, read_weights
from eclair.types import Action, ActionResult, Candidate, Decision, Element, Observation, StepRecord, Task
from tests.agents.flat_scorer import FlatScorer


def _agent(weights: dict[str, float] | None = None, off: tuple[str, ...] = ()) -> ScoringAgent:
    disabled = ["task_similarity", *off]
    return ScoringAgent(backend=FlatScorer(), weights=weights, disabled_features=disabled)  # type: ignore[arg-type]


def _buttons(*names: str) -> Observation:
    els = [
        Element(id=str(i), role="button", name=n, tag="button", bbox=(0, 30 * i, 80, 20)) for i, n in enumerate(names)
    ]
    return Observation(url="http://x/", title="t", elements=els)


def _step(obs: Observation, decision: Decision, index: int = 0) -> StepRecord:
    return StepRecord(index=index, observation=obs, decision=decision, result=ActionResult(ok=True))


def test_every_feature_is_named_documented_and_weighted_by_the_shipped_file() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURES) and MODEL_FEATURE in FEATURE_NAMES
    assert all(f.doc and len(f.doc.splitlines()) == 1 for f in FEATURES)
    shipped = load_weights()
    assert set(shipped.values) == set(FEATURE_NAMES)  # no stale weight, no feature without one
    assert shipped.of(MODEL_FEATURE) == 1.0 and shipped.version


def test_a_model_version_carries_its_own_weights_and_a_bad_file_is_named(tmp_path: Path) -> None:
    own = Weights({**load_weights().values, "novelty": 3.0}, "fit-x", "fit").save(tmp_path / WEIGHTS_FILE)
    assert load_weights(model_dir=str(tmp_path)).of("novelty") == 3.0
    assert read_weights(own).version == "fit-x"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1, "weights": {"pmi": "high"}}))
    with pytest.raises(WeightsError, match=r"bad\.json"):
        read_weights(bad)
    assert _agent(weights={"novelty": 0.25}).policy.of("novelty") == 0.25
    assert _agent(off=("pmi",)).policy.of("pmi") == 0.0


def _fit_step(chosen: int) -> StepRecord:
    """Three candidates: only the chosen one has `novelty`; `same_click_again` marks another, PMI is flat."""
    cands = [
        Candidate(action=Action(kind="click", element=str(i)), text=f"c{i}", features=vec)
        for i, vec in enumerate([{"pmi": 0.1, "same_click_again": -1.0}, {"pmi": 0.2}, {"pmi": 0.0}])
    ]
    cands[chosen] = cands[chosen].model_copy(update={"features": {**cands[chosen].features, "novelty": 1.0}})
    return _step(_buttons("a", "b", "c"), Decision(action=cands[chosen].action, candidates=cands))


def test_fit_weights_learns_what_good_steps_chose_from_the_hand_set_start() -> None:
    start = Weights({"pmi": 1.0, "novelty": 0.0, "same_click_again": 0.0})
    fitted = fit_weights([_fit_step(1 + i % 2) for i in range(12)], start)
    assert fitted.of("novelty") > 0.5  # it predicts the choice
    assert fitted.score({"same_click_again": -1.0}) < 0.0  # the candidate it marks is never chosen: pushed down
    assert fitted.of("pmi") == 1.0  # frozen: the scale
    assert fitted.meta["loss_after"] < fitted.meta["loss_before"] and fitted.meta["fit_rows"] == 12
    assert fit_weights([], start).values == start.values  # nothing to learn from: the start


def test_improve_finds_the_fitter_and_the_fitted_weights_travel_with_the_model_version(tmp_path: Path) -> None:
    from eclair.plugins import weight_fitter

    fitter = weight_fitter("scoring")
    assert fitter is not None and weight_fitter("eclair") is None  # the eclair agent has no feature weights
    first = tmp_path / "round-1"
    summary = fitter([_fit_step(1 + i % 2) for i in range(12)], first, "embedded")
    assert summary["fit_rows"] == 12 and (first / WEIGHTS_FILE).is_file()
    assert load_weights(model_dir=str(first)).version == summary["version"]  # the model version's own file
    second = tmp_path / "round-2"
    fitter([], second, str(first))  # no new rows: round 2 starts from round 1's weights, not the shipped default
    assert load_weights(model_dir=str(second)).values == load_weights(model_dir=str(first)).values


def test_a_cycle_of_clicks_with_nothing_new_asks_a_person() -> None:
    page = _buttons("A", "B", "Save")
    a, b = Action(kind="click", element="0"), Action(kind="click", element="1")
    history = [_step(page, Decision(action=x), i) for i, x in enumerate([a, b, a, b, a, b])]
    assert stuck_cycle(history, page) == [a, b]
    assert stuck_cycle(history[:4], page) is None  # two rounds are not yet a loop
    changed = _buttons("A", "B", "Save", "New row")
    assert stuck_cycle(history, changed) is None  # something new on the page: progress
    decision = _agent().decide(Task(text="Save the form"), page, history)
    assert decision.action.kind == "ask_human" and "no progress" in (decision.action.text or "")


def test_click_yes_then_finish_ends_with_done_even_when_nothing_changes() -> None:
    page = _buttons("No", "Yes", "Maybe")
    task = Task(text='Click the "Yes" button, then finish.')
    agent = _agent()
    first = agent.decide(task, page, [])
    assert first.action == Action(kind="click", element="1")
    second = agent.decide(task, page, [_step(page, first)])  # the click changed nothing visible
    assert second.action.kind == "done"
    two = Task(text='Click "No", then click "Yes".')
    assert (
        agent.decide(two, page, [_step(page, first.model_copy(update={"completion": 'click button "No"'}))]).action.kind
        != "done"
    )


def test_log_out_and_delete_are_clicked_only_when_the_task_asks() -> None:
    page = _buttons("Delete account", "Log out", "Profile")
    texts = {c.text for c in _agent().decide(Task(text="Open the profile"), page, []).candidates}
    assert texts == {'click button "Profile"'}
    asked = _agent().decide(Task(text="Log out of the app"), page, [])
    assert 'click button "Log out"' in {c.text for c in asked.candidates}
    assert 'click button "Delete account"' not in {c.text for c in asked.candidates}


def test_each_candidate_keeps_its_feature_vector_and_score_through_the_step_json() -> None:
    page = _buttons("Cancel", "Save")
    decision = _agent().decide(Task(text='Click "Save"'), page, [])
    saved = next(c for c in decision.candidates if c.text == 'click button "Save"')
    assert saved.features and saved.score == pytest.approx(_agent().policy.score(saved.features))
    cancel = next(c for c in decision.candidates if c.text == 'click button "Cancel"')
    assert cancel.features["leaves_form"] == 1.0
    back = StepRecord.model_validate_json(_step(page, decision).model_dump_json())
    assert back.decision.candidates == decision.candidates
