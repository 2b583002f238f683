"""Mining stored runs into SFT and DPO data, on a real SQLite store filled with real records."""

from __future__ import annotations

from eclair.config import Settings
from eclair.learn.mine import label_runs, mine
from eclair.learn.rounds import decide_promotion, next_temperature
from eclair.store import Store
from eclair.types import Action, ActionResult, Decision, Observation, StepRecord, Task, Verdict


def _store_run(
    store: Store,
    env: str,
    seed: int,
    steps: list[tuple[str, str, bool]],
    *,
    checker: bool,
    critic_label: str = "pass",
    status: str = "succeeded",
) -> str:
    """steps: (prompt, completion, ok) triples."""
    run = store.create_run(
        Task(text=f"task {env}", env=env, seed=seed), agent="scoring", backend="local", model="embedded"
    )
    store.start_run(run.id)
    for i, (prompt, completion, ok) in enumerate(steps):
        store.record_step(
            run.id,
            StepRecord(
                index=i,
                observation=Observation(url="http://x/", text=prompt),
                decision=Decision(action=Action(kind="click", element=str(i)), prompt=prompt, completion=completion),
                result=ActionResult(ok=ok),
                feedback=None if ok else "failed",
            ),
            None,
        )
    store.add_verdict(
        run.id, Verdict(label=critic_label, score=0.9 if critic_label == "pass" else 0.1, critic="combined")
    )
    store.add_verdict(run.id, Verdict(label="pass" if checker else "fail", score=float(checker), critic="checker"))
    store.finish_run(run.id, status)  # type: ignore[arg-type]
    return run.id


def test_mining_dedupes_caps_and_pairs(settings: Settings) -> None:
    store = Store(settings)
    good = [("P1", 'click button "A"', True), ("P2", 'click button "Submit"', True)]
    for seed in range(3):  # three successes with the same action sequence: one survives dedupe
        _store_run(store, "miniwob/a", seed, good, checker=True)
    for seed in range(4):  # four distinct successes on task b, capped at 2
        _store_run(store, "miniwob/b", seed, [(f"Q{seed}", f'click link "{seed}"', True)], checker=True)
    # a failed run that took another action at the same prompt P1 gives a DPO pair
    _store_run(
        store, "miniwob/a", 9, [("P1", 'click button "B"', True)], checker=False, critic_label="fail", status="failed"
    )
    runs = store.list_runs(limit=100)
    mined = mine(label_runs(store, runs, "env"), cap_per_task=2)
    assert mined.stats["duplicates"] == 2
    assert mined.stats["capped"] == 2
    assert len(mined.runs_used) == 3
    assert {"prompt": "P1", "completion": 'click button "A"'} in mined.sft
    assert len(mined.sft) == 2 + 2
    assert mined.dpo == [{"prompt": "P1", "chosen": 'click button "A"', "rejected": 'click button "B"'}]


def test_critic_mode_ignores_the_checker_and_reviews_override(settings: Settings) -> None:
    store = Store(settings)
    fooled = _store_run(store, "demos/x", 0, [("P", "click", True)], checker=False)  # critics said pass, wrongly
    rejected = _store_run(store, "demos/x", 1, [("R", "click r", True)], checker=True)
    store.add_review(rejected, "rejected", note="wrong customer")
    labelled = {item.run.id: item.success for item in label_runs(store, store.list_runs(limit=10), "critic")}
    assert labelled[fooled] is True, "critic mode trusts the critics, not the hidden checker"
    assert labelled[rejected] is False, "a human review overrides the critics"
    env_labels = {item.run.id: item.success for item in label_runs(store, store.list_runs(limit=10), "env")}
    assert env_labels == {fooled: False, rejected: True}


def test_failed_steps_never_become_sft_examples(settings: Settings) -> None:
    store = Store(settings)
    _store_run(store, "miniwob/c", 0, [("P", "click wrong", False), ("P", "click right", True)], checker=True)
    mined = mine(label_runs(store, store.list_runs(), "env"))
    assert mined.sft == [{"prompt": "P", "completion": "click right"}]
    assert mined.dpo == [{"prompt": "P", "chosen": "click right", "rejected": "click wrong"}]


def test_promotion_refuses_a_worse_or_equal_model_and_guards_regressions() -> None:
    from eclair.bench.harness import EpisodeResult, SuiteResult

    def suite(rates: dict[str, list[bool]]) -> SuiteResult:
        results = [
            EpisodeResult(env=env, seed=i, episode=i, success=ok, reward=float(ok))
            for env, oks in rates.items()
            for i, ok in enumerate(oks)
        ]
        return SuiteResult(env_order=list(rates), results=results)

    before = suite({"a": [True, False], "b": [False, False]})
    worse = suite({"a": [False, False], "b": [False, False]})
    better = suite({"a": [True, True], "b": [True, False]})
    assert decide_promotion(before, worse, None, None, 0.1)[0] is False
    assert decide_promotion(before, before, None, None, 0.1)[0] is False
    assert decide_promotion(before, better, None, None, 0.1)[0] is True
    guard_before = suite({"g": [True, True]})
    guard_after = suite({"g": [True, False]})
    ok, reason = decide_promotion(before, better, guard_before, guard_after, 0.1)
    assert ok is False and "guard task g" in reason


def test_temperature_schedule_reacts_to_rollouts() -> None:
    assert next_temperature(0.5, success=0.1, unique=0.2, k=4) < 0.5
    assert next_temperature(0.5, success=0.6, unique=1.0, k=4) > 0.5
    assert next_temperature(0.5, success=0.6, unique=3.0, k=4) == 0.5
